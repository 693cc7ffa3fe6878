using System.Text.Json;
using Enas.Search.Cli;
using Enas.Search.Data;
using Enas.Search.Reporting;
using Enas.Search.Spaces;
using Enas.Search.Training;
using Enas.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Enas.Tests.Search;

/// <summary><c>train</c> checkpoints every epoch and <c>train --resume</c> continues exactly; its outputs.</summary>
public sealed class TrainResumeTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string DataDir()
    {
        var dir = Path.Combine(_dir.Path, "data");
        if (!Directory.Exists(dir))
            SyntheticImages.WriteFashionMnist(dir, SyntheticImages.GenerateTrainTest(120, 48, classes: 4, height: 8, width: 8, seed: 5), gzip: true);
        return dir;
    }

    /// <summary>A micro architecture with 2 nodes per cell (sep / avg-pool / identity / max-pool ops).</summary>
    private string ArchFile()
    {
        var path = Path.Combine(_dir.Path, "arch.json");
        var space = SearchSpaces.Create("micro", 2);
        File.WriteAllText(path, ArchitectureJson.Serialize(space, new Architecture("micro", [0, 1, 1, 2, 2, 0, 0, 4, 1, 3, 0, 0, 2, 1, 1, 3])));
        return path;
    }


    /// <summary>3 epochs of 15 steps (120 images, batch 8) at C = 4, 1 layer, on 8x8 synthetic images.</summary>
    private string[] Tiny(string outDir) =>
        ["train", "--arch", ArchFile(), "--data", DataDir(), "--epochs", "3", "--channels", "4", "--layers", "1", "--batch-size", "8", "--out", outDir];

    private static SearchOptions StoredOptions(string runDir) =>
        JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(runDir, "config.json")), SearchJsonContext.Default.SearchOptions)!;

    private static List<string> MetricsWithoutTimes(string runDir) => MetricsLog.ReadAll(Path.Combine(runDir, "metrics.jsonl"))
        .Select(r => { r.Remove("seconds"); return r.ToJsonString(); }).ToList();

    private static byte[] Model(string runDir) => File.ReadAllBytes(Path.Combine(runDir, "model.ckpt"));

    [Fact]
    public void InterruptedThenResumedTrainEndsExactlyLikeAnUninterruptedOne()
    {
        var whole = Path.Combine(_dir.Path, "whole");
        var (code, stdout, err) = CliRun.Run(output, Tiny(whole));
        Assert.True(code == 0, err);
        Assert.True(File.Exists(Path.Combine(whole, "checkpoints", "last.ckpt")));
        Assert.Equal(3, MetricsLog.ReadAll(Path.Combine(whole, "metrics.jsonl")).Count(r => (string?)r["kind"] == "retrain"));
        var options = StoredOptions(whole);

        // Stopped after epoch 1 (its checkpoint written), a torn metrics line left behind, then train --resume.
        var cut = Path.Combine(_dir.Path, "cut");
        Assert.Equal(0, TrainAction.Train(options, ArchFile(), cut, TextWriter.Null, live: false, stopAfterEpochs: 1));
        Assert.False(File.Exists(Path.Combine(cut, "model.ckpt")));
        Assert.Equal(1, RetrainSession.ReadState(Path.Combine(cut, "checkpoints", "last.ckpt")).EpochsDone);
        File.AppendAllText(Path.Combine(cut, "metrics.jsonl"), "{\"kind\":\"retrain\",\"epoch\":2,\"lr\":0.0");
        (code, stdout, err) = CliRun.Run(output, "train", "--resume", "--out", cut);
        Assert.True(code == 0, err);
        Assert.Contains("resuming after epoch 1 of 3", stdout);
        Assert.Equal(Model(whole), Model(cut));
        Assert.Equal(MetricsWithoutTimes(whole), MetricsWithoutTimes(cut));

        // Stopped before the first checkpoint: the resume starts over and still ends the same.
        var early = Path.Combine(_dir.Path, "early");
        Assert.Equal(0, TrainAction.Train(options, ArchFile(), early, TextWriter.Null, live: false, stopAfterEpochs: 0));
        Assert.False(File.Exists(Path.Combine(early, "checkpoints", "last.ckpt")));
        Assert.True(CliRun.Run(output, "train", "--resume", "--out", early).Code == 0);
        Assert.Equal(Model(whole), Model(early));
        Assert.Equal(MetricsWithoutTimes(whole), MetricsWithoutTimes(early));
    }

    [Fact]
    public void MoreEpochsOnResumeWhereTheScheduleAllowsEqualTheLongerRun()
    {
        // No drop-path and SGDR restart counts (10 -> 30): the first 10 epochs of a 30-epoch run are the 10-epoch run.
        var o = Presets.Get("cpu") with
        {
            DataDir = DataDir(),
            Retrain = new RetrainOptions { Epochs = 10, Channels = 4, Layers = 1, BatchSize = 16, TrainSubset = 32, DropPathKeep = 1 },
        };
        var longer = Path.Combine(_dir.Path, "long");
        Assert.Equal(0, TrainAction.Train(o with { Retrain = o.Retrain with { Epochs = 30 } }, ArchFile(), longer, TextWriter.Null, live: false));
        var extended = Path.Combine(_dir.Path, "extended");
        Assert.Equal(0, TrainAction.Train(o, ArchFile(), extended, TextWriter.Null, live: false));
        var (code, stdout, err) = CliRun.Run(output, "train", "--resume", "--out", extended, "--epochs", "30");
        Assert.True(code == 0, err);
        Assert.Contains("resuming after epoch 10 of 30", stdout);
        Assert.Equal(Model(longer), Model(extended));
        Assert.Equal(MetricsWithoutTimes(longer), MetricsWithoutTimes(extended));
        Assert.Equal(30, StoredOptions(extended).Retrain.Epochs);
    }

    [Fact]
    public void ResumeRefusesOtherOptionsNonTrainFoldersAndCorruptCheckpoints()
    {
        var run = Path.Combine(_dir.Path, "run");
        Assert.Equal(0, CliRun.Run(output, Tiny(run)).Code);
        string metrics = File.ReadAllText(Path.Combine(run, "metrics.jsonl"));

        var (code, stdout, err) = CliRun.Run(output, "train", "--resume", "--out", run);
        Assert.Equal(0, code);
        Assert.Contains("has already trained all 3 epochs; nothing to train", stdout);
        Assert.Contains("eval --arch", stdout);
        Assert.DoesNotContain("retrain epoch", stdout);

        // The search's --resume (no "train") must not start a search in a train run's folder.
        (code, _, err) = CliRun.Run(output, "--resume", "--out", run);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("holds a train run, not a search; continue it with train --resume --out", err);
        Assert.Equal(metrics, File.ReadAllText(Path.Combine(run, "metrics.jsonl")));

        (code, _, err) = CliRun.Run(output, "train", "--resume", "--out", run, "--seed", "7", "--channels", "8");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--seed: checkpoint 1, now 7", err);
        Assert.Contains("--channels: checkpoint 4, now 8", err);
        (code, _, err) = CliRun.Run(output, "train", "--resume", "--out", run, "--epochs", "4");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("cannot change --epochs from 3 to 4 on resume", err);
        Assert.Contains("cosine over all --epochs", err);
        Assert.Contains("drop-path anneals over all --epochs", err);
        (code, _, err) = CliRun.Run(output, "train", "--resume", "--out", run, "--epochs", "2");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("has already trained 3 epochs (give --epochs 3 or more)", err);
        (code, _, err) = CliRun.Run(output, "train", "--resume", "--out", run, "--preset", "paper-micro");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--preset cannot change a run on resume", err);
        var other = Path.Combine(_dir.Path, "other.json");
        File.WriteAllText(other, ArchitectureJson.Serialize(SearchSpaces.Create("micro", 2), new Architecture("micro", [.. new int[16]])));
        (code, _, err) = CliRun.Run(output, "train", "--resume", "--out", run, "--arch", other);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("is not the architecture the run", err);
        Assert.Equal(metrics, File.ReadAllText(Path.Combine(run, "metrics.jsonl"))); // refusals write nothing

        (code, _, err) = CliRun.Run(output, "train", "--resume", "--out", Path.Combine(_dir.Path, "nowhere"));
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("there is no run there to continue", err);
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "nowhere")));
        (code, _, err) = CliRun.Run(output, "train", "--resume");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("train --resume needs --out DIR", err);
        var search = Path.Combine(_dir.Path, "search");
        Directory.CreateDirectory(search);
        File.WriteAllText(Path.Combine(search, "config.json"), File.ReadAllText(Path.Combine(run, "config.json")));
        File.WriteAllText(Path.Combine(search, "best-architecture.json"), File.ReadAllText(ArchFile()));
        (code, _, err) = CliRun.Run(output, "train", "--resume", "--out", search);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("is not a train run", err);
        Assert.Contains("it is a search run", err);

        var ckpt = Path.Combine(run, "checkpoints", "last.ckpt");
        var bytes = File.ReadAllBytes(ckpt);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(ckpt, bytes);
        (code, _, err) = CliRun.Run(output, "train", "--resume", "--out", run);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("checksum", err);
        Assert.Equal(bytes, File.ReadAllBytes(ckpt));

        // A search's checkpoint (its state has no "kind") in a train folder is named as what it is.
        Enas.Engine.Serialization.Checkpoint.Write(ckpt, JsonSerializer.Serialize(new SearchState { EpochsDone = 1 }, SearchJsonContext.Default.SearchState), []);
        (code, _, err) = CliRun.Run(output, "train", "--resume", "--out", run);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("is not a train checkpoint", err);
    }

    [Fact]
    public void TrainWritesItsOwnCurvesNamesTheModelAndPrintsAWorkingEvalCommand()
    {
        var run = Path.Combine(_dir.Path, "curves");
        var (code, stdout, err) = CliRun.Run(output, Tiny(run));
        Assert.True(code == 0, err);
        Assert.False(File.Exists(Path.Combine(run, "reward.svg")));
        foreach (var (file, series) in new[] { ("accuracy.svg", "train_accuracy"), ("accuracy.svg", "test_accuracy"),
                     ("loss.svg", "train_loss"), ("loss.svg", "test_loss") })
        {
            string svg = File.ReadAllText(Path.Combine(run, file));
            int at = svg.IndexOf($"data-name=\"{series}\">\n<path d=\"M", StringComparison.Ordinal);
            Assert.True(at > 0, $"{file} has no curve for {series}");
        }
        Assert.All(MetricsLog.ReadAll(Path.Combine(run, "metrics.jsonl")), r => Assert.True(double.IsFinite((double)r["test_loss"]!)));
        Assert.Contains("expected time: about", stdout); // from the first steady steps
        Assert.Contains("expected time for the remaining 2 epochs: about", stdout);
        Assert.Contains("3 epochs, ", stdout);
        Assert.Contains($"model: {Path.Combine(run, "model.ckpt")}", stdout);
        var eval = stdout.Split('\n').Single(l => l.Contains(" -- eval ")).Trim();
        var args = eval[(eval.IndexOf(" -- ", StringComparison.Ordinal) + 4)..].Split(' ');
        (code, stdout, err) = CliRun.Run(output, args);
        Assert.True(code == 0, err);
        Assert.Contains("test accuracy:", stdout);
        // The per-epoch checkpoint holds the same weights (plus optimiser state), so eval reads it too.
        args[Array.IndexOf(args, "--model") + 1] = Path.Combine(run, "checkpoints", "last.ckpt");
        var (lastCode, lastOut, lastErr) = CliRun.Run(output, args);
        Assert.True(lastCode == 0, lastErr);
        Assert.Equal(stdout, lastOut);
    }

    [Fact]
    public void EpochCountsChangeOnlyWhereTheScheduleIsTheSame()
    {
        Assert.Null(RetrainSession.EpochChangeProblem(5, 5, dropPathAnneals: true));
        Assert.Null(RetrainSession.EpochChangeProblem(10, 30, dropPathAnneals: false));
        Assert.Null(RetrainSession.EpochChangeProblem(150, 630, dropPathAnneals: false));
        Assert.Contains("cosine", RetrainSession.EpochChangeProblem(8, 10, dropPathAnneals: false));
        Assert.Contains("cosine", RetrainSession.EpochChangeProblem(10, 12, dropPathAnneals: false));
        var both = RetrainSession.EpochChangeProblem(3, 4, dropPathAnneals: true)!;
        Assert.Contains("cosine", both);
        Assert.Contains("drop-path", both);
        Assert.DoesNotContain("cosine", RetrainSession.EpochChangeProblem(10, 30, dropPathAnneals: true));
    }
}
