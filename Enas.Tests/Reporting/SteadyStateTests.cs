using Enas.Search.Reporting;
using Enas.Search.Training;

namespace Enas.Tests.Reporting;

/// <summary>The arithmetic of the steady-state timing helpers and the duration estimates (no clocks read).</summary>
public sealed class SteadyStateTests
{
    [Fact]
    public void WarmUpStepsAreDroppedBeforeTheMedianAndTheMean()
    {
        double[] seconds = [9.0, 5.0, 1.0, 1.2, 0.8, 1.1, 30.0];
        Assert.Equal(1.1, SteadyState.Median(seconds, warmup: 2)!.Value, 12);
        Assert.Equal(1.05, SteadyState.Median(seconds[..6], warmup: 2)!.Value, 12);
        Assert.Equal((1.0 + 1.2 + 0.8 + 1.1 + 30.0) / 5, SteadyState.Mean(seconds, warmup: 2)!.Value, 12);
        Assert.Null(SteadyState.Median(seconds, warmup: 7));
        Assert.Null(SteadyState.Mean([], warmup: 0));
    }

    [Fact]
    public void StepTimerIsReadyOnceAfterWarmUpAndWindow()
    {
        var timer = new StepTimer(warmup: 2, window: 3);
        var ready = Enumerable.Range(0, 8).Select(_ => timer.Lap()).ToList();
        Assert.Equal(new[] { false, false, false, false, true, false, false, false }, ready);
        Assert.Equal(5, timer.Steps);
        Assert.NotNull(timer.SecondsPerStep);
    }

    [Fact]
    public void RetrainEstimateIsStepsPlusForwardOnlyTestPasses()
    {
        // 3 epochs x (100 steps + 10 test batches twice the size at a third of the cost) x 0.5 s
        Assert.Equal(3 * 0.5 * (100 + 10 * 2.0 / 3), RetrainEstimate.Seconds(0.5, 100, 3, 10, 2.0), 12);
        Assert.Equal(0, RetrainEstimate.Seconds(0.5, 100, 0, 10, 2.0));
    }

    [Fact]
    public void CountsArePluralUnlessOne()
    {
        Assert.Equal("1 epoch", ProgressReporter.Count(1, "epoch"));
        Assert.Equal("0 epochs", ProgressReporter.Count(0, "epoch"));
        Assert.Equal("2 epochs", ProgressReporter.Count(2, "epoch"));
        Assert.Equal("1,000 steps", ProgressReporter.Count(1000, "step"));
        Assert.StartsWith("expected time for the remaining 1 epoch: about 5s", ProgressReporter.RemainingEpochsLine(1, TimeSpan.FromSeconds(5), "derive"));
    }
}
