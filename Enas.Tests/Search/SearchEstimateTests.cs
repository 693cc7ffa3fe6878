using Enas.Search.Training;

namespace Enas.Tests.Search;

/// <summary>The arithmetic of the search's start-up estimate (the timings are given, no clock is read).</summary>
public sealed class SearchEstimateTests
{
    [Fact]
    public void DefaultSearchCountsTrainingControllerAndDeriveOnItsBatches()
    {
        var o = new SearchOptions(); // 8 epochs, 10 x 5 controller samples, derive 100 samples on 16 batches
        var work = SearchWorkload.Of(o, epochsDone: 0, stepsPerEpoch: 313, validationBatches: 32, rankCheckStepsPerEpoch: 313, learns: true);
        Assert.Equal(8, work.Epochs);
        Assert.Equal(50, work.ControllerEvaluations);
        Assert.Equal(101 + 100, work.DeriveCandidates); // policy samples + greedy, then the uniform comparison
        Assert.Equal(16, work.DeriveBatches);
        Assert.Equal(0, work.RankCheckSteps);

        var e = work.Estimate(trainStepSeconds: 0.2, evalSeconds: 0.05);
        Assert.Equal(8 * 313 * 0.2, e.SharedTraining.TotalSeconds, 6);
        Assert.Equal(8 * 50 * 0.05, e.Controller.TotalSeconds, 6);
        Assert.Equal(201 * 16 * 0.05, e.Derive.TotalSeconds, 6);
        Assert.Equal(TimeSpan.Zero, e.RankCheck);
        Assert.Equal(e.SharedTraining + e.Controller + e.Derive, e.Total);
        Assert.DoesNotContain("rank check", e.Breakdown());
    }

    [Fact]
    public void ResumedRandomFixedAndRankCheckedSearchesCountWhatTheyDo()
    {
        var o = new SearchOptions { Epochs = 10, DeriveSamples = 20, DeriveBatches = 40, RewardBatches = 2 };
        var resumed = SearchWorkload.Of(o, epochsDone: 7, stepsPerEpoch: 100, validationBatches: 32, rankCheckStepsPerEpoch: 100, learns: true);
        Assert.Equal(3, resumed.Epochs);
        Assert.Equal(10 * 5 * 2, resumed.ControllerEvaluations);
        Assert.Equal(32, resumed.DeriveBatches); // never more batches than the validation split has
        var finished = SearchWorkload.Of(o, epochsDone: 10, 100, 32, 100, learns: true);
        Assert.Equal(TimeSpan.Zero, finished.Estimate(1, 1).SharedTraining);

        var random = SearchWorkload.Of(o with { Controller = "random" }, 0, 100, 32, 100, learns: false);
        Assert.Equal(20, random.DeriveCandidates); // no greedy pick, no uniform comparison (it is uniform)
        var fixedOne = SearchWorkload.Of(o with { Controller = "fixed", FixedArchitecture = [0] }, 0, 100, 32, 100, learns: false);
        Assert.Equal(1, fixedOne.DeriveCandidates);

        var ranked = SearchWorkload.Of(o with { RankCheck = 4, RankCheckEpochs = 3 }, 0, 100, 32, rankCheckStepsPerEpoch: 50, learns: true);
        Assert.Equal(4 * 3 * 50, ranked.RankCheckSteps);
        Assert.Equal(4 * 3 * 32, ranked.RankCheckEvaluations);
        var e = ranked.Estimate(trainStepSeconds: 0.1, evalSeconds: 0.01);
        Assert.Equal(600 * 0.1 * SearchWorkload.RankCheckOverhead + 384 * 0.01, e.RankCheck.TotalSeconds, 6);
        Assert.Contains("rank check", e.Breakdown());
    }
}
