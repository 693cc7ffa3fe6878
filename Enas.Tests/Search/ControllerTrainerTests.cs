using Enas.Search.Controller;
using Enas.Search.Loop;
using Enas.Search.Spaces;
using Enas.Search.Tasks;
using Enas.Search.Util;

namespace Enas.Tests.Search;

/// <summary>The one controller trainer, over any task's reward: how it groups samples into updates and evaluation
/// data, and that it reports the task's own metric and reward.</summary>
public sealed class ControllerTrainerTests
{
    /// <summary>A reward whose metric is the architecture's token sum on data set k (k = NextData calls so far).</summary>
    private sealed class CountingReward : IControllerReward
    {
        public int DataSets { get; private set; }
        public List<(int Data, double Metric)> Measured { get; } = [];

        public void NextData() => DataSets++;

        public double Measure(Architecture architecture)
        {
            double metric = architecture.Tokens.Sum() + 100 * DataSets;
            Measured.Add((DataSets, metric));
            return metric;
        }

        public double RewardOf(double metric) => -metric;
    }

    [Theory]
    [InlineData(false, 5, 2, 5, 3)] // one data set per sample; updates of 2, 2 and 1
    [InlineData(true, 6, 2, 3, 3)] // paired: one data set per update
    [InlineData(false, 6, 3, 6, 2)]
    public void GroupsSamplesIntoUpdatesAndReportsTheTasksMetric(bool paired, int samples, int aggregate, int dataSets, int updates)
    {
        var space = new MicroSpace(2);
        using var controller = new RandomController(space);
        var options = new ControllerOptions { PairedReward = paired, EntropyWeight = 0 };
        var reward = new CountingReward();
        var reported = new List<(int, int)>();
        var result = new ControllerTrainer(controller, new Reinforce(controller, options), reward)
            .RunPhase(samples, aggregate, new XoshiroRandom(3), (u, n) => reported.Add((u, n)));
        Assert.Equal(dataSets, reward.DataSets);
        Assert.Equal(Enumerable.Range(1, updates).Select(u => (u, updates)), reported);
        Assert.Equal(samples, result.Samples);
        Assert.Equal(reward.Measured.Select(m => m.Metric), result.Metrics);
        Assert.Equal(-reward.Measured.Average(m => m.Metric), result.MeanReward, 9);
        Assert.Equal(reward.Measured.Average(m => m.Metric), result.MeanMetric, 9);
        if (paired) // the samples of an update share their data set
            Assert.Equal(Enumerable.Range(0, samples).Select(i => i / aggregate + 1), reward.Measured.Select(m => m.Data));
    }

    [Fact]
    public void PairedRewardsNeedWholeUpdates()
    {
        var space = new MicroSpace(2);
        using var controller = new RandomController(space);
        var options = new ControllerOptions { PairedReward = true };
        var trainer = new ControllerTrainer(controller, new Reinforce(controller, options), new CountingReward());
        var e = Assert.Throws<ArgumentException>(() => trainer.RunPhase(5, 2, new XoshiroRandom(3)));
        Assert.Contains("5 samples do not make whole updates of 2", e.Message);
    }
}
