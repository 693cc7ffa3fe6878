using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Engine.Nn;
using Enas.Engine.Optim;
using Enas.Engine.Serialization;
using Enas.Kernels;

namespace Enas.Tests.Nn;

public sealed class ModuleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("enas-mod-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Sequential Mlp(int seed, int hidden = 16) => new Sequential()
        .Add(new Linear("fc1", 4, hidden, bias: true, new Random(seed)))
        .Add(t => t.Relu())
        .Add(new Linear("fc2", hidden, 3, bias: true, new Random(seed + 1)));

    [Fact]
    public void ParametersAndBuffersHaveDottedNames()
    {
        using var mlp = Mlp(1);
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], mlp.NamedParameters().Select(p => p.Name));
        Assert.Equal(4 * 16 + 16 + 16 * 3 + 3, mlp.ParameterCount());
        Assert.Equal("fc1.weight", mlp.Parameters().First().Name);

        using var bn = new BatchNorm2D("bn", 5, affine: true);
        Assert.Equal(["weight", "bias"], bn.NamedParameters().Select(p => p.Name));
        Assert.Equal(["running_mean", "running_var"], bn.NamedBuffers().Select(b => b.Name));
        Assert.Equal(new float[5], bn.RunningMean.ToArray<float>());
        Assert.Equal(Enumerable.Repeat(1f, 5), bn.RunningVar.ToArray<float>());
        using var plain = new BatchNorm2D("bn", 5, affine: false);
        Assert.Empty(plain.NamedParameters());
        Assert.Equal(2, plain.NamedBuffers().Count());

        using var sep = new SeparableConv2D("sep", 6, 8, 3, 1, 1, new Random(2));
        Assert.Equal(["depthwise.weight", "pointwise.weight"], sep.NamedParameters().Select(p => p.Name));
        Assert.Equal(new Shape(6, 1, 3, 3), sep.Depthwise.Weight.Shape);
        Assert.Equal(new Shape(8, 6, 1, 1), sep.Pointwise.Weight.Shape);

        using var lstm = new LstmCell("lstm", 3, 5, new Random(3));
        Assert.Equal(["weight_ih", "weight_hh", "bias"], lstm.NamedParameters().Select(p => p.Name));
        Assert.Equal(new Shape(3, 20), lstm.WeightInput.Shape);
        using var emb = new Embedding("emb", 7, 4, new Random(4));
        Assert.Equal(new Shape(7, 4), emb.Weight.Shape);
    }

    [Fact]
    public void InitialisationIsSeededAndScaled()
    {
        var shape = new Shape(64, 9, 3, 3);
        var a = Init.HeNormal(shape, 81, new Random(5));
        Assert.Equal(a, Init.HeNormal(shape, 81, new Random(5)));
        Assert.NotEqual(a, Init.HeNormal(shape, 81, new Random(6)));
        double mean = a.Average(v => (double)v);
        double std = Math.Sqrt(a.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(std, Math.Sqrt(2.0 / 81) * 0.95, Math.Sqrt(2.0 / 81) * 1.05);
        var u = Init.Uniform(new Shape(1000), 0.1, new Random(7));
        Assert.All(u, v => Assert.InRange(v, -0.1f, 0.1f));
        Assert.True(u.Max() > 0.09 && u.Min() < -0.09);
    }

    private static void TrainSteps(Module model, Optimizer opt, int steps, int seed)
    {
        var rng = new Random(seed);
        for (int s = 0; s < steps; s++)
        {
            using var tape = Tape.Record();
            var x = Tensor.FromArray(Enumerable.Range(0, 12).Select(_ => (float)rng.NextDouble()).ToArray(),
                new Shape(3, 4));
            var loss = ((IForward)model).Forward(x).Square().Mean();
            opt.ZeroGrad();
            tape.Backward(loss);
            opt.Step();
        }
        opt.ZeroGrad();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ModelAndOptimizerStateRoundTripThroughACheckpoint(bool adam)
    {
        Optimizer Make(Module m) => adam
            ? new Adam(m.Parameters(), 0.01, beta1: 0)
            : new Sgd(m.Parameters(), 0.05, momentum: 0.9, nesterov: true);
        string path = Path.Combine(_dir, "state.ckpt");
        using var a = new TinyModel(1);
        using var optA = Make(a);
        TrainSteps(a, optA, 3, seed: 9);
        Checkpoint.Write(path, "{\"epoch\":1}",
            ModuleState.ToEntries(a, "model/").Concat(OptimizerState.ToEntries(optA, "optim/")));

        using var b = new TinyModel(100); // different initial weights
        using var optB = Make(b);
        var (_, entries) = Checkpoint.Read(path);
        ModuleState.Load(b, entries, "model/");
        OptimizerState.Load(optB, entries, "optim/");
        Assert.Equal(3, optB.StepCount);

        TrainSteps(a, optA, 2, seed: 10);
        TrainSteps(b, optB, 2, seed: 10);
        foreach (var ((name, pa), (_, pb)) in a.NamedParameters().Zip(b.NamedParameters()))
            Assert.True(pa.ToArray<float>().SequenceEqual(pb.ToArray<float>()), $"{name} differs after resume");
    }

    [Fact]
    public void LoadReportsMissingNamesAndShapeMismatches()
    {
        using var small = Mlp(1, hidden: 8);
        using var big = Mlp(1, hidden: 16);
        var entries = ModuleState.ToEntries(small, "m/").ToDictionary(e => e.Name);
        var ex = Assert.Throws<InvalidDataException>(() => ModuleState.Load(big, entries, "m/"));
        Assert.Contains("'m/0.weight' has shape [4, 8] in the checkpoint but [4, 16]", ex.Message);
        entries.Remove("m/2.bias");
        var before = small.Parameters().First().ToArray<float>();
        using var other = Mlp(2, hidden: 8);
        ex = Assert.Throws<InvalidDataException>(() => ModuleState.Load(other, entries, "m/"));
        Assert.Contains("missing 'm/2.bias'", ex.Message);
        Assert.NotEqual(before, other.Parameters().First().ToArray<float>()); // nothing loaded on failure
        entries["m/2.bias"] = new CheckpointEntry("m/2.bias", [3], [0, 0, 0]);
        entries["m/extra"] = new CheckpointEntry("m/extra", [1], [0]);
        Assert.Contains("unexpected entry 'm/extra'",
            Assert.Throws<InvalidDataException>(() => ModuleState.Load(other, entries, "m/")).Message);
        ModuleState.Load(other, entries, "m/", strict: false);
        Assert.Equal(before, other.Parameters().First().ToArray<float>());
    }

    [Fact]
    public void BuffersAreSavedAndRestored()
    {
        using var bn = new BatchNorm2D("bn", 3, affine: true);
        bn.RunningMean.Backend.Upload<float>([1, 2, 3], bn.RunningMean.Buffer);
        var entries = ModuleState.ToEntries(bn).ToDictionary(e => e.Name);
        Assert.Equal(new float[] { 1, 2, 3 }, entries["running_mean"].Data);
        using var fresh = new BatchNorm2D("bn", 3, affine: true);
        ModuleState.Load(fresh, entries);
        Assert.Equal(new float[] { 1, 2, 3 }, fresh.RunningMean.ToArray<float>());
    }

    [Fact]
    public void OptimizerStateLoadRejectsMissingStepCountAndBadEntries()
    {
        using var mlp = Mlp(1);
        using var opt = new Sgd(mlp.Parameters(), 0.1);
        var empty = new Dictionary<string, CheckpointEntry>();
        Assert.Contains("step_count", Assert.Throws<InvalidDataException>(() => OptimizerState.Load(opt, empty, "o/")).Message);
        var bad = new Dictionary<string, CheckpointEntry>
        {
            ["o/step_count"] = new("o/step_count", [], [1]),
            ["o/velocity/0"] = new("o/velocity/0", [2], [1, 2]),
        };
        var ex = Assert.Throws<InvalidDataException>(() => OptimizerState.Load(opt, bad, "o/"));
        Assert.Contains("o/velocity/0", ex.Message);
    }

    private sealed class BufferHolder : Module
    {
        public void Add(string name, Tensor t) => RegisterBuffer(name, t);
    }

    [Fact]
    public void RegisterBufferRejectsScopedTensors()
    {
        using var holder = new BufferHolder();
        using (TensorScope.Begin())
        {
            var scoped = Tensor.Zeros(new Shape(2));
            Assert.Throws<ArgumentException>(() => holder.Add("x", scoped));
        }
        holder.Add("kept", Tensor.Zeros(new Shape(2), persistent: true));
        Assert.Equal(["kept"], holder.NamedBuffers().Select(b => b.Name));
    }
}
