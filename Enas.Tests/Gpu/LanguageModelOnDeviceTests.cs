using Enas.Engine.Autodiff;
using Enas.Engine.Nn;
using Enas.Engine.Optim;
using Enas.Engine;
using Enas.Kernels.Gpu;
using Enas.Kernels;
using Enas.Search.Data;
using Enas.Search.Network.Recurrent;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Tasks;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Gpu;

/// <summary>
/// The language model of the recurrent search (embedding, ENAS cell or LSTM core, locked dropout and DropConnect
/// masks, hidden-norm clip, tied softmax, backward, global-norm clipping, SGD) runs on the ILGPU backend: training
/// windows on the device give the same losses, gradient norms, clipped gradients and updated weights as the managed
/// CPU backend from the same initial weights and dropout seed; evaluation perplexity agrees; the parameters and the
/// carried state live on the device, no device buffer leaks, and the host waits once per training window and once
/// per evaluation pass. Tiny sizes (vocabulary 20, hidden 8, 3 nodes, BPTT 4, batch 2): the emulator is slow.
/// Subclasses pick the device: ILGPU's CPU accelerator as device 0 and as device 1 (always) and CUDA device 0 (skipped,
/// with the reason, without one; perf/gpu-check.sh runs it). Runs alone: it checks the device's live-buffer count and
/// counts its events.
/// </summary>
[Collection(LeakCheckCollection.Name)]
public abstract class LanguageModelOnDeviceTests
{
    /// <summary>The ILGPU backend under test.</summary>
    protected abstract IlgpuBackend Gpu { get; }

    private const int Vocab = 20, Hidden = 8, Nodes = 3, Bptt = 4, Batch = 2;
    private const double Clip = 0.25;

    // node 0 tanh, node 1 ReLU reading 0, node 2 sigmoid reading 0: two loose ends averaged
    private const string Arc = "0 0 1 0 3";

    private static readonly LmDropout Drop = new()
    {
        Embedding = 0.1, Input = 0.2, Hidden = 0.25, Output = 0.3, DropConnect = 0.5,
    };

    // two windows per row (the second one starts from the carried state) and one short window
    private static readonly int[] Tokens = [.. Enumerable.Range(0, 2 * (2 * Bptt + 3)).Select(i => (i * 7 + 3) % Vocab)];

    private Device Target => Device.Of(Gpu); // touching Gpu registers the backend as (kind, ordinal)

    internal static LanguageModel Build(string core, Device device)
    {
        var rng = new Random(17);
        IRecurrentCore c;
        if (core == "lstm") c = new LstmRecurrentCore(Hidden, Hidden, rng, 0.3, device);
        else
        {
            var space = new RnnSpace(Nodes);
            // the shared bank (every edge), as the search trains it
            c = new EnasRecurrentCore(new RnnWeightBank(Nodes, Hidden, Hidden, 0.35, rng, device: device),
                space.Decode(Architecture.ParseOfficial(space, Arc)));
        }
        return new LanguageModel(Vocab, c, 0.3, rng, device: device);
    }

    [GpuFact]
    public void EnasTrainingWindowsMatchTheCpuBackend() => TrainingWindowsMatchTheCpuBackend("enas");

    [GpuFact]
    public void LstmTrainingWindowsMatchTheCpuBackend() => TrainingWindowsMatchTheCpuBackend("lstm");

    [GpuFact]
    public void EnasEvaluationMatchesTheCpuBackendAndTheStateStaysOnTheDevice() =>
        EvaluationMatchesTheCpuBackendAndTheStateStaysOnTheDevice("enas");

    [GpuFact]
    public void LstmEvaluationMatchesTheCpuBackendAndTheStateStaysOnTheDevice() =>
        EvaluationMatchesTheCpuBackendAndTheStateStaysOnTheDevice("lstm");

    [GpuFact]
    public void EnasHostWaitsOncePerTrainingWindowAndOncePerEvaluationPass() =>
        TheHostWaitsOncePerTrainingWindowAndOncePerEvaluationPass("enas");

    [GpuFact]
    public void LstmHostWaitsOncePerTrainingWindowAndOncePerEvaluationPass() =>
        TheHostWaitsOncePerTrainingWindowAndOncePerEvaluationPass("lstm");

    private void TrainingWindowsMatchTheCpuBackend(string core)
    {
        var device = Target;
        int live = device.Backend.LiveBufferCount;
        var cpu = Train(core, Device.Cpu);
        var gpu = Train(core, device);
        Assert.Equal(live, device.Backend.LiveBufferCount);

        Assert.Equal(cpu.Count, gpu.Count);
        Assert.True(cpu[0].Norm > Clip, $"gradient norm {cpu[0].Norm} should exceed the clip {Clip}, so clipping is tested");
        for (int w = 0; w < cpu.Count; w++)
        {
            Assert.True(double.IsFinite(cpu[w].Loss));
            Assert.Equal(cpu[w].Loss, gpu[w].Loss, 4);
            Assert.Equal(cpu[w].Norm, gpu[w].Norm, 1e-4 * cpu[w].Norm);
            Assert.Equal(cpu[w].Names, gpu[w].Names);
            for (int i = 0; i < cpu[w].Grads.Count; i++)
            {
                TensorAssert.Close(cpu[w].Grads[i], gpu[w].Grads[i], 1e-5, 2e-3, $"{core} window {w} clipped gradient of {cpu[w].Names[i]}");
                TensorAssert.Close(cpu[w].After[i], gpu[w].After[i], 1e-5, 1e-4, $"{core} window {w} updated {cpu[w].Names[i]}");
            }
        }
    }

    private void EvaluationMatchesTheCpuBackendAndTheStateStaysOnTheDevice(string core)
    {
        var device = Target;
        int live = device.Backend.LiveBufferCount;
        var data = new TokenBatches(Tokens, Batch);
        double expected;
        using (var lm = Build(core, Device.Cpu)) expected = LmEvaluation.Perplexity(lm, data, Bptt);
        using (var lm = Build(core, device))
        {
            Assert.All(lm.Parameters(), p => Assert.Same(device.Backend, p.Backend));
            double actual = LmEvaluation.Perplexity(lm, data, Bptt);
            Assert.Equal(expected, actual, 1e-4 * expected);
            Assert.InRange(actual, 2, 200); // near the vocabulary size for fresh weights

            // the carried state is created on the device and replaced there, window after window
            var (x, y, len) = data.Window(0, Bptt);
            using (Tape.NoGrad())
                for (int w = 0; w < 2; w++)
                {
                    using var scope = TensorScope.Begin();
                    var loss = lm.WindowLoss(x, y, len, Batch, LmDropout.None, training: false, new Random(1));
                    Assert.Same(device.Backend, loss.Backend);
                    Assert.NotNull(lm.State);
                    Assert.Equal(lm.Core.StateCount, lm.State!.Count);
                    Assert.All(lm.State, s => Assert.Same(device.Backend, s.Backend));
                }
        }
        Assert.Equal(live, device.Backend.LiveBufferCount);
    }

    private void TheHostWaitsOncePerTrainingWindowAndOncePerEvaluationPass(string core)
    {
        var device = Target;
        string name = Gpu.ShortName;
        var data = new TokenBatches(Tokens, Batch);
        using var lm = Build(core, device);
        using var sgd = new Sgd(lm.Parameters(), 1.0, momentum: 0);
        var rng = new Random(5);
        using var events = new DeviceEventCounter();
        int windows = 0;
        foreach (int start in data.WindowStarts(Bptt))
        {
            var (x, y, len) = data.Window(start, Bptt);
            events.Clear();
            lm.TrainWindow(sgd, x, y, len, Batch, Drop, Clip, rng);
            // the loss and the gradient norm, read together; uploads (ids, masks) do not wait
            Assert.Equal(["Download"], events.Syncs(name));
            Assert.True(events.Launches(name) > 50, "the window's kernels run on the device");
            windows++;
        }
        Assert.Equal(3, windows);
        events.Clear();
        LmEvaluation.Perplexity(lm, data, Bptt);
        Assert.Equal(["Download"], events.Syncs(name)); // every window's loss, read together at the end
    }

    [GpuFact]
    public void ANonFiniteWindowSkipsTheUpdateAndRestartsTheState()
    {
        var device = Target;
        var data = new TokenBatches(Tokens, Batch);
        using var lm = Build("enas", device);
        using var sgd = new Sgd(lm.Parameters(), 1.0, momentum: 0);
        var bad = new float[lm.DecoderBias.ElementCount];
        Array.Fill(bad, float.NaN);
        lm.DecoderBias.Load<float>(bad); // as after an overflow: a NaN loss and NaN gradients
        var before = lm.Parameters().Select(p => p.ToDoubleArray()).ToList();
        var (x, y, len) = data.Window(0, Bptt);
        var (loss, norm) = lm.TrainWindow(sgd, x, y, len, Batch, Drop, Clip, new Random(5));
        Assert.False(double.IsFinite(loss));
        Assert.False(double.IsFinite(norm));
        Assert.Null(lm.State); // the next window starts from zeros
        var after = lm.Parameters().Select(p => p.ToDoubleArray()).ToList();
        for (int i = 0; i < before.Count; i++) Assert.Equal(before[i], after[i]); // no update
    }

    [GpuFact]
    public void ACoreOnAnotherDeviceIsRefused()
    {
        var space = new RnnSpace(Nodes);
        var core = new EnasRecurrentCore(new RnnWeightBank(Nodes, Hidden, Hidden, 0.1, new Random(1)),
            space.Decode(Architecture.ParseOfficial(space, Arc)));
        var ex = Assert.Throws<ArgumentException>(() => new LanguageModel(Vocab, core, 0.1, new Random(2), device: Target));
        Assert.Contains("is on cpu", ex.Message);
        ((Module)core).Dispose();
    }

    private sealed record WindowResult(double Loss, double Norm, List<string> Names, List<double[]> Grads, List<double[]> After);

    private static List<WindowResult> Train(string core, Device device)
    {
        using var lm = Build(core, device);
        using var sgd = new RecordingSgd(lm.Parameters(), 1.0);
        var data = new TokenBatches(Tokens, Batch);
        var rng = new Random(5);
        var results = new List<WindowResult>();
        foreach (int start in data.WindowStarts(Bptt))
        {
            var (x, y, len) = data.Window(start, Bptt);
            var (loss, norm) = lm.TrainWindow(sgd, x, y, len, Batch, Drop, Clip, rng);
            Assert.All(lm.State!, s => Assert.Same(device.Backend, s.Backend));
            results.Add(new WindowResult(loss, norm, [.. sgd.Parameters.Select(p => p.Name)], sgd.Grads,
                [.. sgd.Parameters.Select(p => p.ToDoubleArray())]));
        }
        return results;
    }

    /// <summary>Plain SGD that keeps a host copy of the (clipped) gradients it applies.</summary>
    private sealed class RecordingSgd : Optimizer
    {
        private readonly Sgd _sgd;

        public RecordingSgd(IEnumerable<Parameter> parameters, double learningRate) : base(parameters, learningRate) =>
            _sgd = new Sgd(Parameters, learningRate, momentum: 0);

        public List<double[]> Grads { get; private set; } = [];

        public override void Step()
        {
            Grads = [.. Parameters.Select(p => p.Grad?.ToDoubleArray() ?? new double[p.ElementCount])];
            _sgd.Step();
        }

        public override IEnumerable<(string Name, Tensor Tensor)> StateTensors() => [];

        public override void LoadState(string name, ReadOnlySpan<float> values) => throw new NotSupportedException();

        public override void Dispose() => _sgd.Dispose();
    }
}

/// <summary>The language-model cases on ILGPU's CPU accelerator (always runs; checks the logic).</summary>
public sealed class LanguageModelOnIlgpuCpuTests : LanguageModelOnDeviceTests
{
    protected override IlgpuBackend Gpu => IlgpuTestDevices.CpuAccelerator;
}

/// <summary>
/// The same cases on a second emulator registered as (IlgpuCpu, 1), a stand-in for --device cuda:1: every tensor made
/// "like" another one (backward seeds, dropout masks, the carried state) must land on device 1, not on device 0.
/// </summary>
public sealed class LanguageModelOnSecondIlgpuCpuTests : LanguageModelOnDeviceTests
{
    protected override IlgpuBackend Gpu => IlgpuTestDevices.SecondCpuAccelerator;
}

/// <summary>The same cases on CUDA device 0; every test is reported as skipped, with the reason, without one.</summary>
[RequiresCuda]
public sealed class LanguageModelOnCudaTests : LanguageModelOnDeviceTests
{
    protected override IlgpuBackend Gpu => (IlgpuBackend)IlgpuTestDevices.Cuda;
}
