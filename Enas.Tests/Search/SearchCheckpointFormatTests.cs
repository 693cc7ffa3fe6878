using System.Text.Json;
using System.Text.Json.Nodes;
using Enas.Engine.Serialization;
using Enas.Search.Cli;
using Enas.Search.Reporting;
using Enas.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Enas.Tests.Search;

/// <summary>
/// The one search checkpoint format: a recurrent run written by the build before the two searches shared one loop
/// (main 34ee8d9, fixture in Fixtures/RnnCheckpointV1: --space rnn --dataset ptb-mini --max-windows 4 --hidden 4
/// --nodes 3 --bptt 5 --batch-size 2 --controller random --controller-steps 3 --derive-samples 3 --retrain-epochs 0
/// --seed 5 --epochs 1) resumes to --epochs 2 and ends with the metrics that build wrote for an uninterrupted 2-epoch
/// run; a checkpoint of an unknown format version is refused with a message naming the version and what to do.
/// </summary>
public sealed class SearchCheckpointFormatTests(ITestOutputHelper output)
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "RnnCheckpointV1");

    /// <summary>A copy of the fixture's run folder (the test never writes into the fixture).</summary>
    private static string CopyRun(TempFolder dir)
    {
        string run = dir["run"];
        Directory.CreateDirectory(Path.Combine(run, RunFolder.CheckpointsFolder));
        foreach (string file in new[] { RunFolder.ConfigFile, RunFolder.MetricsFile, Path.Combine(RunFolder.CheckpointsFolder, "last.ckpt") })
            File.Copy(Path.Combine(Fixture, "run", file), Path.Combine(run, file));
        return run;
    }

    /// <summary>metrics.jsonl records without the wall-clock fields.</summary>
    private static List<string> WithoutTimes(string path) =>
        [.. File.ReadAllLines(path).Select(line =>
        {
            var o = JsonNode.Parse(line)!.AsObject();
            o.Remove("seconds");
            o.Remove("tokens_per_second");
            return o.ToJsonString();
        })];

    [Fact]
    public void ARecurrentCheckpointWrittenBeforeTheOneLoopResumesAsAnUninterruptedRun()
    {
        using var dir = new TempFolder();
        string run = CopyRun(dir);
        var (code, stdout, stderr) = CliRun.Run(output, "--resume", "--out", run, "--epochs", "2", "--data", Path.Combine(Fixture, "data"));
        Assert.True(code == 0, stderr);
        Assert.Contains("resuming after epoch 1 of 2", stdout);
        Assert.Equal(WithoutTimes(Path.Combine(Fixture, "expected-2-epochs.jsonl")), WithoutTimes(Path.Combine(run, RunFolder.MetricsFile)));
    }

    [Fact]
    public void ACheckpointOfAnotherFormatVersionIsRefusedByName()
    {
        using var dir = new TempFolder();
        string run = CopyRun(dir);
        string ckpt = Path.Combine(run, RunFolder.CheckpointsFolder, "last.ckpt");
        var (meta, entries) = Checkpoint.Read(ckpt);
        var state = JsonNode.Parse(meta)!.AsObject();
        Assert.Equal(1, (int)state["version"]!);
        state["version"] = 2;
        Checkpoint.Write(ckpt, state.ToJsonString(), [.. entries.Values]);
        string metrics = File.ReadAllText(Path.Combine(run, RunFolder.MetricsFile));
        var (code, _, stderr) = CliRun.Run(output, "--resume", "--out", run, "--epochs", "2", "--data", Path.Combine(Fixture, "data"));
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("search checkpoint format is version 2", stderr);
        Assert.Contains("this build reads version 1", stderr);
        Assert.Contains("start a new run with another --out", stderr);
        Assert.Equal(metrics, File.ReadAllText(Path.Combine(run, RunFolder.MetricsFile))); // nothing truncated or added
    }
}
