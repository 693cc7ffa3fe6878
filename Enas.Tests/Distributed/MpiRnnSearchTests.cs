using System.Text.RegularExpressions;
using Enas.Engine.Serialization;
using Enas.Search.Cli;
using Enas.Tests.Infrastructure;
using Enas.Tests.Rnn;
using Xunit.Abstractions;

namespace Enas.Tests.Distributed;

/// <summary>The recurrent search under <c>mpirun -np 2</c> against one process with the same global batch.</summary>
public sealed class MpiRnnSearchTests(ITestOutputHelper output)
{
    // A language model has no batch norm, so two ranks compute what one process computes with the whole batch, up to
    // float32 summation order (measured on this search: 2e-7 relative at most). 1e-5 is far below what one
    // different stream, mask or window changes.
    private const double Tolerance = 1e-5;

    private static string[] Args(TempFolder dir, string rewardWindows, string epochs = "2", string batch = "5") =>
        ["--space", "rnn", "--dataset", "ptb", "--data", dir.Path, "--nodes", "3", "--hidden", "8", "--batch-size", batch,
         "--bptt", "6", "--epochs", epochs, "--max-windows", "5", "--controller-steps", "3", "--derive-samples", "3",
         "--reward-windows", rewardWindows, "--derive-train", "2", "--derive-train-epochs", "1", "--retrain-epochs", "1",
         "--seed", "3"];

    /// <summary>
    /// Two ranks, 5 token streams (shards of 3 and 2 with weights 3/5 and 2/5), two epochs with controller phases
    /// (each sample on its own data: with fixed validation windows, and with one random window drawn after sampling,
    /// which every rank must draw), derive, derive by training and the retrain, all data-parallel. Against one process
    /// with the same flags: every metrics record, the chosen cells, the checkpoint's weights and the retrain's
    /// perplexities. Rank 1's folder stays empty, only rank 0 prints, and one process resumes the two-rank run.
    /// </summary>
    [RequiresMpirunTheory]
    [InlineData("2")]
    [InlineData("0")]
    public void TwoRanksSearchAndRetrainLikeOneProcessWithTheWholeBatch(string rewardWindows)
    {
        using var dir = new TempFolder();
        RnnCliTests.WriteCorpus(dir);
        var ranks = Mpirun.RankFolders(dir);
        var (code, stdout, stderr) = Mpirun.Search(ranks, [.. Args(dir, rewardWindows), "--out", "run"], TimeSpan.FromMinutes(3));
        output.WriteLine(stdout + stderr);
        Assert.True(code == 0, stderr);
        var run = Path.Combine(ranks[0], "run");
        foreach (var f in new[] { "config.json", "metrics.jsonl", "best-architecture.json", "rnn-cell.svg", "report.html", "checkpoints/last.ckpt" })
            Assert.True(File.Exists(Path.Combine(run, f)), $"rank 0 did not write {f}");
        Assert.Empty(Directory.EnumerateFileSystemEntries(ranks[1]));
        Assert.Empty(Directory.EnumerateFiles(run, "*.tmp", SearchOption.AllDirectories));
        Assert.Single(Regex.Matches(stdout, "ENAS rnn search:"));
        Assert.Contains("data-parallel on 2 ranks (mpirun)", stdout);
        Assert.Contains("all-reduce", stdout);

        var reference = dir["one"];
        var (one, oneOut, oneErr) = CliRun.Run(output, [.. Args(dir, rewardWindows), "--out", reference]);
        Assert.True(one == 0, oneErr + oneOut);
        string[] wallClock = ["seconds", "tokens_per_second", "allreduce_seconds_per_step", "allreduce_bytes_per_step"];
        var mpi = OneProcessComparison.Read(Path.Combine(run, "metrics.jsonl"), wallClock);
        var single = OneProcessComparison.Read(Path.Combine(reference, "metrics.jsonl"), wallClock);
        Assert.Equal(single.Select(r => (string?)r["kind"]), mpi.Select(r => (string?)r["kind"]));
        Assert.Contains("derive_trial", mpi.Select(r => (string?)r["kind"]));
        for (int i = 0; i < mpi.Count; i++) OneProcessComparison.AssertSame(single[i], mpi[i], Tolerance);
        Assert.All(OneProcessComparison.Read(Path.Combine(run, "metrics.jsonl")).Where(r => (string?)r["kind"] == "epoch"),
            r => Assert.True((long)r["allreduce_bytes_per_step"]! > 0));

        OneProcessComparison.AssertSameCheckpoints(Path.Combine(reference, "checkpoints", "last.ckpt"),
            Path.Combine(run, "checkpoints", "last.ckpt"), Tolerance);
        string Retrained(string text) => text.Split('\n').Last(l => l.Contains("test ppl")).Trim();
        Assert.Equal(Retrained(oneOut), Retrained(stdout)); // printed to 2 decimals

        // The checkpoint does not depend on the number of ranks: one process continues the two-rank run.
        var (resumed, resumedOut, resumedErr) = CliRun.Run(output, [.. Args(dir, rewardWindows, epochs: "3"), "--out", run, "--resume"]);
        Assert.True(resumed == 0, resumedErr + resumedOut);
        Assert.Contains("resuming after epoch 2 of 3", resumedOut);
    }

    /// <summary>Fewer token streams than ranks: refused before anything is written, naming the fix.</summary>
    [RequiresMpirunFact]
    public void ABatchWithFewerStreamsThanRanksIsRefused()
    {
        using var dir = new TempFolder();
        RnnCliTests.WriteCorpus(dir);
        var ranks = Mpirun.RankFolders(dir);
        var (code, stdout, stderr) = Mpirun.Search(ranks, [.. Args(dir, "2", batch: "1"), "--out", "run"], TimeSpan.FromMinutes(2));
        output.WriteLine(stdout + stderr);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("use --batch-size 2 or more, or fewer ranks", stderr);
        Assert.False(Directory.Exists(Path.Combine(ranks[0], "run")));
    }
}
