using Enas.Engine.Optim;

namespace Enas.Tests.Nn;

public class ScheduleTests
{
    private static readonly CosineWithRestarts Enas = new(0.05, 0.0005, 10, 2);

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(30)]
    [InlineData(70)]
    [InlineData(150)]
    [InlineData(310)]
    [InlineData(630)]
    public void RestartsAtLrMax(int epoch) => Assert.Equal(0.05, Enas.LearningRateAt(epoch), 12);

    [Theory]
    [InlineData(9, 0, 10)]
    [InlineData(10, 10, 20)]
    [InlineData(29, 10, 20)]
    [InlineData(30, 30, 40)]
    [InlineData(149, 70, 80)]
    [InlineData(309, 150, 160)]
    [InlineData(310, 310, 320)]
    public void CyclesDoubleInLength(int epoch, long start, long length) =>
        Assert.Equal((start, length), Enas.CycleOf(epoch));

    [Fact]
    public void CosineValuesWithinCycles()
    {
        // Middle of the first cycle (epoch 5 of 10) and of the second (epoch 20 = 10 of 20): halfway.
        Assert.Equal(0.02525, Enas.LearningRateAt(5), 12);
        Assert.Equal(0.02525, Enas.LearningRateAt(20), 12);
        // Last epoch of the first cycle: lrMin + 0.5 (lrMax - lrMin)(1 + cos(0.9 pi)).
        Assert.Equal(0.0005 + 0.02475 * (1 + Math.Cos(0.9 * Math.PI)), Enas.LearningRateAt(9), 12);
        // Last epoch before the 310 restart is close to lrMin but above it.
        double end = Enas.LearningRateAt(309);
        Assert.InRange(end, 0.0005, 0.0005 + 0.05 * 1e-3);
        // Monotone decreasing within a cycle.
        for (int e = 70; e < 149; e++) Assert.True(Enas.LearningRateAt(e + 1) < Enas.LearningRateAt(e), $"epoch {e}");
    }

    [Fact]
    public void TMulOneGivesFixedPeriod()
    {
        var s = new CosineWithRestarts(1, 0, 4, 1);
        Assert.Equal([1, 0.8535533906, 0.5, 0.1464466094, 1, 0.8535533906],
            Enumerable.Range(0, 6).Select(e => Math.Round(s.LearningRateAt(e), 10)));
    }

    [Fact]
    public void StepDecayStartsAtTheGivenEpoch()
    {
        var s = new StepDecay(20, 0.96, 15);
        Assert.Equal(20, s.LearningRateAt(0));
        Assert.Equal(20, s.LearningRateAt(15));
        Assert.Equal(19.2, s.LearningRateAt(16), 12);
        Assert.Equal(20 * 0.96 * 0.96, s.LearningRateAt(17), 12);
        Assert.Equal(0.5, new StepDecay(1, 0.5, 0, minimum: 0.5).LearningRateAt(10));
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineWithRestarts(0.01, 0.1, 10, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineWithRestarts(0.1, 0.01, 0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Enas.LearningRateAt(-1));
    }
}
