using Enas.Search.Cli;
using Enas.Search.Data;
using Enas.Search.Reporting;
using Enas.Search.Spaces;
using Enas.Search.Tasks;
using Enas.Search.Training;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Rnn;

public class RnnDeriveTrialsTests
{
    [Fact]
    public void TrialsTrainTheTopCandidatesAloneAndRankThemByValidation()
    {
        var corpus = RnnSearchTests.Tiny();
        var space = new RnnSpace(4);
        var o = new RnnSearchOptions { Nodes = 4, Hidden = 8, BatchSize = 4, Bptt = 8, MaxWindowsPerEpoch = 5, Seed = 3 };
        ScoredArchitecture[] ranked =
        [
            new(Architecture.ParseOfficial(space, "2 0 2 1 2 2 2"), 10, false), // identity chain, best by shared weights
            new(Architecture.ParseOfficial(space, "0 0 0 1 0 2 0"), 11, false), // tanh chain
            new(Architecture.ParseOfficial(space, "3 0 1 0 3 1 1"), 12, false),
            new(Architecture.ParseOfficial(space, "1 0 1 1 1 2 1"), double.PositiveInfinity, false),
        ];
        var log = new List<string>();
        var trials = RnnDeriveTrials.Run(space, ranked, top: 3, epochs: 2, corpus, o, log.Add);
        Assert.Equal(3, trials.Count);
        Assert.Equal(ranked.Take(3).Select(c => c.Architecture).ToHashSet(), trials.Select(t => t.Candidate.Architecture).ToHashSet());
        for (int i = 1; i < trials.Count; i++)
            Assert.True(trials[i - 1].TrialValidPerplexity <= trials[i].TrialValidPerplexity);
        foreach (var t in trials)
        {
            // each trial is exactly a short retrain with the trial seed, which never reads the test split
            var alone = RnnRetrain.Run(space, t.Candidate.Architecture, corpus, o with { Seed = RnnDeriveTrials.TrialSeed(o.Seed) }, 2, test: false);
            Assert.Equal(alone.ValidPerplexity, t.TrialValidPerplexity);
            Assert.Equal(alone.BestEpoch, t.BestEpoch);
            Assert.True(double.IsNaN(alone.TestPerplexity));
            Assert.InRange(t.TrialValidPerplexity, 1, 50);
        }
        Assert.Contains(log, l => l.StartsWith("derive trial 3/3: valid ppl", StringComparison.Ordinal));
        // the trial seed is none of the seeds the run's retrains and --compare use (the run's and the next ones)
        Assert.DoesNotContain(RnnDeriveTrials.TrialSeed(o.Seed), Enumerable.Range(0, 1000).Select(k => o.Seed + (ulong)k));
        Assert.Throws<ArgumentOutOfRangeException>(() => RnnDeriveTrials.Run(space, ranked, 0, 2, corpus, o));
        Assert.Throws<ArgumentException>(() => RnnDeriveTrials.Run(space, [], 2, 2, corpus, o));
    }

    [Fact]
    public void CliKeepsTheCandidateThatTrainedBestAndLogsEveryTrial()
    {
        using var dir = new TempFolder();
        RnnCliTests.WriteCorpus(dir);
        string[] args = ["--space", "rnn", "--dataset", "ptb", "--data", dir.Path, "--nodes", "3", "--hidden", "8",
            "--batch-size", "4", "--bptt", "6", "--epochs", "1", "--max-windows", "3", "--controller-steps", "2",
            "--derive-samples", "5", "--retrain-epochs", "0", "--derive-train", "3", "--derive-train-epochs", "1",
            "--out", dir["run"]];
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.True(CliApp.Run(args, stdout, stderr, live: false) == 0, stderr.ToString() + stdout);
        Assert.Contains("derive by training (1 epochs from scratch each", stdout.ToString());
        var trials = MetricsLog.ReadAll(Path.Combine(dir["run"], RunFolder.MetricsFile))
            .Where(m => (string?)m["kind"] == "derive_trial").ToList();
        Assert.InRange(trials.Count, 2, 3);
        string best = File.ReadAllLines(Path.Combine(dir["run"], RunFolder.BestArchitectureTextFile))[0];
        var lowest = trials.MinBy(t => (double)t["trial_valid_ppl"]!)!;
        Assert.Equal((string?)lowest["cell"], best);
        Assert.Equal((string?)trials[0]["cell"], best);
    }

    [Theory]
    [InlineData("--derive-train -1", "give K >= 0")]
    [InlineData("--derive-train 2 --derive-train-epochs 0", "at least 1 epoch")]
    [InlineData("--derive-train-epochs 2", "only applies with --derive-train K")]
    [InlineData("--derive-train 2 --cell 0_0_1_1_3", "does not apply to --cell or --baseline")]
    [InlineData("--controller-reward paired", "--controller-reward is for the CNN search")]
    [InlineData("--controller-lr -1", "--controller-lr and --controller-adam-eps must be positive")]
    [InlineData("--cells 5", "--cells is for the CNN search")]
    [InlineData("--reward-batches 4", "--reward-batches is for the CNN search")]
    [InlineData("--derive-batches 4", "--derive-batches is for the CNN search")]
    [InlineData("--lr-max 0.1", "--lr-max is for the CNN search")]
    public void BadRecurrentFlagsAreRejectedWithTheReason(string flags, string message)
    {
        using var dir = new TempFolder();
        var stderr = new StringWriter();
        string[] extra = [.. flags.Split(' ').Select(f => f.Replace('_', ' '))];
        int code = CliApp.Run(["--space", "rnn", "--data", dir.Path, "--out", dir["run"], .. extra], new StringWriter(), stderr, live: false);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains(message, stderr.ToString());
    }
}
