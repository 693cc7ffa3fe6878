using System.Text.Json;
using Enas.Engine.Serialization;
using Enas.Search.Cli;
using Enas.Search.Reporting;
using Enas.Search.Tasks;
using Enas.Search.Training;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Rnn;

/// <summary>A recurrent search whose shared training diverges stops with advice (exit 3) and leaves the last good
/// checkpoint; a cell derived after unstable epochs is never presented without a warning.</summary>
public sealed class RnnDivergenceTests
{
    private static RnnEpochHealth E(int epoch, double loss, int skipped, int windows = 100) => new(epoch, loss, skipped, windows);

    [Fact]
    public void TheCheckFollowsTheDocumentedRules()
    {
        const int V = 1000; // ln V = 6.9
        Assert.Equal(RnnHealthVerdict.Healthy, RnnTrainingHealth.Judge([E(1, 6, 10)], V).Verdict);
        var (verdict, reason) = RnnTrainingHealth.Judge([E(1, 6, 11)], V);
        Assert.Equal(RnnHealthVerdict.Unstable, verdict);
        Assert.Contains("more than 10 % of the windows were skipped", reason);
        Assert.Equal(RnnHealthVerdict.Unstable, RnnTrainingHealth.Judge([E(1, 6, 25)], V).Verdict);
        (verdict, reason) = RnnTrainingHealth.Judge([E(1, 6, 26)], V);
        Assert.Equal(RnnHealthVerdict.Diverged, verdict);
        Assert.Contains("more than 25 %", reason);
        Assert.Equal(RnnHealthVerdict.Diverged, RnnTrainingHealth.Judge([E(1, double.NaN, 100)], V).Verdict);
        (verdict, reason) = RnnTrainingHealth.Judge([E(1, 70, 0)], V); // above 10 ln V = 69.1, nothing skipped
        Assert.Equal(RnnHealthVerdict.Diverged, verdict);
        Assert.Contains("10 x ln V = 69.1", reason);
        Assert.Equal(RnnHealthVerdict.Healthy, RnnTrainingHealth.Judge([E(1, 69, 0)], V).Verdict);
        // Three unstable epochs in a row with a rising loss diverge; not when the loss fell once or one was healthy.
        (verdict, reason) = RnnTrainingHealth.Judge([E(1, 7, 12), E(2, 8, 15), E(3, 9, 20)], V);
        Assert.Equal(RnnHealthVerdict.Diverged, verdict);
        Assert.Contains("3 epochs in a row", reason);
        Assert.Equal(RnnHealthVerdict.Unstable, RnnTrainingHealth.Judge([E(1, 7, 12), E(2, 6, 15), E(3, 9, 20)], V).Verdict);
        Assert.Equal(RnnHealthVerdict.Unstable, RnnTrainingHealth.Judge([E(1, 7, 5), E(2, 8, 15), E(3, 9, 20)], V).Verdict);
        Assert.Equal(RnnHealthVerdict.Unstable, RnnTrainingHealth.Judge([E(2, 8, 15), E(3, 9, 20)], V).Verdict);
    }

    private static string[] TinySearch(TempFolder dir, string outDir, params string[] extra) =>
        ["--space", "rnn", "--dataset", "ptb", "--data", dir.Path, "--nodes", "3", "--hidden", "8", "--batch-size", "4",
         "--bptt", "6", "--max-windows", "10", "--controller-steps", "2", "--derive-samples", "3",
         "--out", outDir, .. extra];

    [Fact]
    public void AHugeLearningRateStopsTheSearchWithExit3AndAdvice()
    {
        using var dir = new TempFolder();
        RnnCliTests.WriteCorpus(dir);
        var stderr = new StringWriter();
        int code = CliApp.Run(TinySearch(dir, dir["run"], "--epochs", "2", "--lr", "100000"), new StringWriter(), stderr, live: false);
        string err = stderr.ToString();
        Assert.True(code == CliApp.Diverged, err);
        Assert.Contains("recurrent shared training diverged in epoch 1", err);
        Assert.Contains("far worse than guessing uniformly", err);
        Assert.Contains("try a lower --lr (now 1E+05, e.g. 5E+04), fewer --nodes (now 3) or a tighter --grad-clip (now 0.25", err);
        Assert.Contains("no checkpoint was written", err);
        Assert.False(File.Exists(dir["run/best-architecture.json"]));
        var kinds = MetricsLog.ReadAll(dir["run/metrics.jsonl"]).Select(r => (string?)r["kind"]).ToList();
        Assert.Equal(["diverged"], kinds);
        // The same search at the default rate runs through.
        Assert.Equal(0, CliApp.Run(TinySearch(dir, dir["ok"], "--epochs", "2"), new StringWriter(), new StringWriter(), live: false));
    }

    /// <summary>Without the hidden-state cap and with wide recurrent weights, windows overflow.</summary>
    private static RnnCliRequest Overflowing(TempFolder dir, string outDir, int epochs, int nodes, double cellInit) => new(
        new RnnSearchOptions
        {
            Nodes = nodes, Hidden = 8, BatchSize = 4, Bptt = 6, Epochs = epochs, MaxWindowsPerEpoch = 20, ControllerSteps = 1,
            DeriveSamples = 2, MaxHiddenNorm = 0, CellInitRange = cellInit,
        }, "ptb", dir.Path, null, null, 0, outDir, false) { Device = "cpu" };

    [Fact]
    public void OverflowingWindowsStopTheSearch()
    {
        using var dir = new TempFolder();
        RnnCliTests.WriteCorpus(dir);
        var e = Assert.Throws<TrainingDivergedException>(() => RnnCliAction.Run(Overflowing(dir, dir["run"], 3, 6, 10), new StringWriter(), live: false));
        Assert.Matches(@"diverged in epoch 1: train loss [-+.E\d]+, \d+ of 20 windows \(\d+ %\) skipped \(non-finite loss or gradient\)", e.Message);
        Assert.Contains("more than 25 % of the windows were skipped", e.Message);
        var diverged = MetricsLog.ReadAll(dir["run/metrics.jsonl"]).Single();
        Assert.Equal("diverged", (string?)diverged["kind"]);
        Assert.True((int)diverged["diverged_windows"]! > 5);
    }

    [Fact]
    public void DivergingInALaterEpochLeavesTheLastGoodCheckpoint()
    {
        using var dir = new TempFolder();
        RnnCliTests.WriteCorpus(dir);
        // Epoch 1 trains (loss about 2.9), epoch 2 explodes.
        var e = Assert.Throws<TrainingDivergedException>(() => RnnCliAction.Run(Overflowing(dir, dir["run"], 4, 3, 0.5), new StringWriter(), live: false));
        Assert.Contains("diverged in epoch 2", e.Message);
        Assert.Contains($"the checkpoint of epoch 1 ({Path.Combine(dir["run"], "checkpoints", "last.ckpt")}) is left as it was", e.Message);
        Assert.Equal(["epoch", "diverged"], MetricsLog.ReadAll(dir["run/metrics.jsonl"]).Select(r => (string?)r["kind"]));

        // The checkpoint is the one a run of exactly one epoch writes.
        RnnCliAction.Run(Overflowing(dir, dir["one"], 1, 3, 0.5), new StringWriter(), live: false);
        var (meta, kept) = Checkpoint.Read(dir["run/checkpoints/last.ckpt"]);
        var (_, reference) = Checkpoint.Read(dir["one/checkpoints/last.ckpt"]);
        var state = JsonSerializer.Deserialize(meta, SearchJsonContext.Default.SearchState)!;
        Assert.Equal(1, state.EpochsDone);
        Assert.Equal(0, state.RnnEpochs!.Single().Skipped);
        Assert.Equal(reference.Keys.Order(), kept.Keys.Order());
        Assert.All(reference, r => Assert.Equal(r.Value.Data, kept[r.Key].Data));
    }

    [Fact]
    public void ACellDerivedAfterAnUnstableEpochCarriesTheWarning()
    {
        using var dir = new TempFolder();
        RnnCliTests.WriteCorpus(dir);
        string run = dir["run"];
        string[] args = TinySearch(dir, run, "--epochs", "1");
        Assert.Equal(0, CliApp.Run(args, new StringWriter(), new StringWriter(), live: false));
        Assert.DoesNotContain("warning", File.ReadAllText(Path.Combine(run, "best-architecture.txt")));
        Assert.Null(MetricsLog.ReadAll(Path.Combine(run, "metrics.jsonl")).Last()["warning"]);

        // As if epoch 1 had skipped 3 of its 20 windows: the checkpoint keeps what the check saw.
        string ckpt = Path.Combine(run, "checkpoints", "last.ckpt");
        var (meta, entries) = Checkpoint.Read(ckpt);
        var state = JsonSerializer.Deserialize(meta, SearchJsonContext.Default.SearchState)!;
        state = state with { RnnEpochs = [new RnnEpochHealth(1, 2.5, 3, 20)] };
        Checkpoint.Write(ckpt, JsonSerializer.Serialize(state, SearchJsonContext.Default.SearchState), entries.Values);

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run([.. args, "--resume"], stdout, stderr, live: false); // derives again
        Assert.True(code == 0, stderr.ToString());
        const string Expected = "shared training was unstable in 1 epoch(s) (epoch 1: train loss 2.500, 3 of 20 windows (15 %) skipped";
        Assert.Contains("warning: " + Expected, stdout.ToString());
        Assert.Contains("try a lower --lr (now 20", stdout.ToString());
        Assert.Contains("warning: " + Expected, File.ReadAllText(Path.Combine(run, "best-architecture.txt")));
        var derive = MetricsLog.ReadAll(Path.Combine(run, "metrics.jsonl")).Last(r => (string?)r["kind"] == "derive");
        Assert.StartsWith(Expected, (string?)derive["warning"]);
    }
}
