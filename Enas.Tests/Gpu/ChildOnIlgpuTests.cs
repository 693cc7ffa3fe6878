using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Engine.Optim;
using Enas.Kernels;
using Enas.Search.Network;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Tests.Infrastructure;
using Enas.Tests.Search;

namespace Enas.Tests.Gpu;

/// <summary>
/// The whole ENAS child (ops, layers, loss, optimiser) runs unchanged on the ILGPU backend: one training step of a
/// random micro and macro child on ILGPU's CPU accelerator gives the same loss, gradients and updated weights as the
/// managed CPU backend from the same initial weights.
/// Runs alone: it shares the emulator backend whose live-buffer count the parity tests check.
/// </summary>
[Collection(LeakCheckCollection.Name)]
public class ChildOnIlgpuTests
{
    private static readonly NetworkOptions Tiny = new()
    {
        Channels = 4, Layers = 2, ImageSize = 8, InputChannels = 1, AuxHead = false, DropoutKeep = 1.0,
    };

    [Theory]
    [InlineData("micro", 3, 11)]
    [InlineData("macro", 4, 12)]
    public void OneTrainingStepMatchesTheCpuBackend(string spaceName, int size, int seed)
    {
        _ = IlgpuTestDevices.CpuAccelerator; // registers the emulator as (IlgpuCpu, 0)
        var space = SearchSpaces.Create(spaceName, size);
        var arch = ArchitectureTests.RandomArch(space, new Random(seed));
        var images = Seeds.ToFloat(Seeds.Uniform(4 * 8 * 8, seed));
        int[] labels = [1, 7, 3, 1];

        var cpu = Step(space, arch, images, labels, Device.Cpu);
        var gpu = Step(space, arch, images, labels, new Device(DeviceKind.IlgpuCpu));

        Assert.Equal(cpu.Loss, gpu.Loss, 3);
        Assert.Equal(cpu.Names, gpu.Names);
        for (int i = 0; i < cpu.Grads.Count; i++)
        {
            TensorAssert.Close(cpu.Grads[i], gpu.Grads[i], 1e-4, 2e-3, $"{spaceName} gradient of {cpu.Names[i]}");
            TensorAssert.Close(cpu.After[i], gpu.After[i], 1e-5, 1e-3, $"{spaceName} updated {cpu.Names[i]}");
        }
    }

    private sealed record StepResult(double Loss, List<string> Names, List<double[]> Grads, List<double[]> After);

    private static StepResult Step(ISearchSpace space, Architecture arch, float[] images, int[] labels, Device device)
    {
        using var weights = new FreshWeights(7, device);
        var child = ChildBuilder.Build(space, arch, Tiny, weights, device);
        using var sgd = new Sgd(child.Parameters, 0.05, 0.9, 1e-4, nesterov: true);
        double loss;
        var names = new List<string>();
        var grads = new List<double[]>();
        using (var tape = Tape.Record())
        {
            var x = Tensor.FromArray<float>(images, new Shape(4, 1, 8, 8), device);
            var y = Tensor.FromArray<int>(labels, new Shape(4), device);
            var output = child.Forward(x, new ForwardContext(true, new Random(3)));
            var lossTensor = output.Logits.CrossEntropy(y);
            tape.Backward(lossTensor);
            loss = lossTensor.Item();
        }
        foreach (var p in child.Parameters)
        {
            names.Add(p.Name);
            grads.Add(p.Grad?.ToDoubleArray() ?? new double[p.ElementCount]);
        }
        sgd.Step();
        var after = child.Parameters.Select(p => p.ToDoubleArray()).ToList();
        sgd.ZeroGrad();
        return new StepResult(loss, names, grads, after);
    }
}
