using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Search.Data;
using Enas.Search.Network;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Training;
using Enas.Search.Util;

namespace Enas.Tests.Search;

public sealed class ChildStepTests
{
    private static readonly NetworkOptions Tiny = new()
    {
        Channels = 4, Layers = 1, ImageSize = 8, InputChannels = 1, Classes = 4, AuxHead = false,
    };

    private static Batch RandomBatch(XoshiroRandom rng)
    {
        var batch = new Batch(4, 1, 8, 8) { Count = 4 };
        for (int i = 0; i < batch.Images.Length; i++) batch.Images[i] = (float)rng.NextGaussian();
        for (int i = 0; i < 4; i++) batch.Labels[i] = i;
        return batch;
    }

    [Fact]
    public void GivesTheLossAndHitsOfAHandWrittenStepAndWritesGradients()
    {
        var space = new MicroSpace(2);
        var arch = ArchitectureTests.RandomArch(space, new XoshiroRandom(4));
        using var fresh = new FreshWeights(5, Device.Cpu);
        var child = ChildBuilder.Build(space, arch, Tiny, fresh, Device.Cpu);
        var batch = RandomBatch(new XoshiroRandom(6));
        double expected;
        int expectedHits;
        using (TensorScope.Begin())
        using (Tape.NoGrad())
        {
            var (images, labels) = batch.ToTensors(Device.Cpu);
            var logits = child.Forward(images, new ForwardContext(true, new XoshiroRandom(7))).Logits;
            expected = logits.CrossEntropy(labels).Item();
            expectedHits = Evaluator.CountCorrect(logits, batch.LabelSpan);
        }
        var step = ChildStep.ForwardBackward(child, batch, new ForwardContext(true, new XoshiroRandom(7)), 0.4, Device.Cpu,
            v => $"loss {v}");
        Assert.Equal(new ChildStepResult(expected, expectedHits, 4), step);
        Assert.All(child.Parameters, p => Assert.NotNull(p.Grad));
        foreach (var p in child.Parameters) p.ZeroGrad();
    }

    [Fact]
    public void ANonFiniteLossThrowsWithTheCallersMessageBeforeAnyGradient()
    {
        var space = new MicroSpace(2);
        using var fresh = new FreshWeights(5, Device.Cpu);
        var child = ChildBuilder.Build(space, ArchitectureTests.RandomArch(space, new XoshiroRandom(4)), Tiny, fresh,
            Device.Cpu);
        var batch = RandomBatch(new XoshiroRandom(6));
        foreach (var p in child.Parameters) p.Load<float>(Enumerable.Repeat(float.NaN, (int)p.ElementCount).ToArray());
        var ex = Assert.Throws<NonFiniteLossException>(() => ChildStep.ForwardBackward(child, batch,
            new ForwardContext(true, new XoshiroRandom(7)), null, Device.Cpu, v => $"step 3 loss {v}"));
        Assert.Equal("step 3 loss NaN", ex.Message);
        Assert.All(child.Parameters, p => Assert.Null(p.Grad));
    }

    [Fact]
    public void TallyWeighsLossesByBatchSize()
    {
        var tally = new StepTally();
        Assert.Equal((0.0, 0.0), (tally.MeanLoss, tally.Accuracy));
        tally.Add(new ChildStepResult(1.0, 3, 4));
        tally.Add(new ChildStepResult(4.0, 0, 2));
        Assert.Equal(2.0, tally.MeanLoss);
        Assert.Equal(0.5, tally.Accuracy);
    }
}
