using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Search.Network;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Tests.Search;

public class GradientIsolationTests
{
    [Theory]
    [InlineData("micro", 3)]
    [InlineData("macro", 4)]
    public void OnlyTheSampledChildsParametersGetGradients(string name, int size)
    {
        var space = SearchSpaces.Create(name, size);
        var options = new NetworkOptions { Channels = 4, Layers = 1, ImageSize = 8, InputChannels = 1, AuxHead = false };
        using var bank = ChildBuilder.CreateBank(space, options, 1, Device.Cpu);
        var rng = new XoshiroRandom(9);
        var child = ChildBuilder.Build(space, ArchitectureTests.RandomArch(space, rng), options, bank, Device.Cpu);
        var x = new float[4 * 64];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextGaussian();
        using (var tape = Tape.Record())
        {
            var logits = child.Forward(Tensor.FromArray(x, new Shape(4, 1, 8, 8)), new ForwardContext(true, rng)).Logits;
            tape.Backward(logits.CrossEntropy(Tensor.FromArray(new[] { 0, 1, 2, 3 }, new Shape(4))));
        }
        var used = new HashSet<Parameter>(child.Parameters, ReferenceEqualityComparer.Instance);
        int withGrad = 0;
        foreach (var p in bank.Parameters)
        {
            if (used.Contains(p)) { Assert.NotNull(p.Grad); withGrad++; }
            else Assert.Null(p.Grad);
        }
        Assert.True(withGrad > 0 && withGrad < bank.Parameters.Count, $"{withGrad} of {bank.Parameters.Count} shared tensors got gradients");
        foreach (var p in bank.Parameters) p.ZeroGrad();
    }
}
