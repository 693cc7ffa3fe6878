using System.Text.Json;
using System.Text.Json.Nodes;
using Enas.Search.Cli;
using Enas.Search.Data;
using Enas.Search.Reporting;
using Enas.Search.Training;
using Enas.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Enas.Tests.Search;

public sealed class CliEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("enas-cli-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private string DataDir()
    {
        var dir = Path.Combine(_root, "data");
        SyntheticImages.WriteFashionMnist(dir, SyntheticImages.GenerateTrainTest(120, 48, classes: 4, height: 8, width: 8, seed: 5), gzip: true);
        return dir;
    }

    private (int Code, string Out, string Err) Cli(params string[] args) => CliRun.Run(output, args);

    private static string[] Tiny(string data, string outDir) =>
    [
        "--data", data, "--cells", "2", "--layers", "1", "--channels", "4", "--epochs", "2", "--batch-size", "16",
        "--train-subset", "48", "--validation-size", "32", "--controller-steps", "2", "--controller-aggregate", "2",
        "--derive-samples", "4", "--seed", "3", "--out", outDir,
    ];

    private static List<string> MetricsWithoutTimes(string runDir) => MetricsLog.ReadAll(Path.Combine(runDir, "metrics.jsonl"))
        .Select(r => { r.Remove("seconds"); return r.ToJsonString(); }).ToList();

    [Fact]
    public void SearchDeriveRetrainEvalAndResume()
    {
        var data = DataDir();
        var run1 = Path.Combine(_root, "run1");
        var (code, stdout, _) = Cli(Tiny(data, run1));
        Assert.Equal(0, code);
        Assert.Contains("shared-weight accuracy", stdout);
        Assert.Contains("train --arch", stdout);
        Assert.Contains("expected time for the remaining 1 epoch: about", stdout);
        Assert.Matches(@"then the retraining it prints: about \S+.* \(14 epochs on 120 images at C=16, timed on sampled architectures\); search and retraining together: about ", stdout);
        foreach (var f in new[] { "config.json", "metrics.jsonl", "best-architecture.json", "best-architecture.txt", "top-architectures.txt",
                     "summary.json", "normal-cell.svg", "reduction-cell.svg", "reward.svg", "accuracy.svg", "checkpoints/last.ckpt" })
            Assert.True(File.Exists(Path.Combine(run1, f)), $"missing {f}");
        // files for people: '+' as it is; config.json records the device the run used, not "auto"
        foreach (var f in new[] { "summary.json", "best-architecture.json" })
        {
            Assert.DoesNotContain("\\u002B", File.ReadAllText(Path.Combine(run1, f)));
            Assert.Contains(")+", File.ReadAllText(Path.Combine(run1, f)));
        }
        Assert.Contains("\"device\": \"auto\",\n  \"deviceUsed\": \"cpu\",", File.ReadAllText(Path.Combine(run1, "config.json")).ReplaceLineEndings("\n"));
        var kinds = MetricsLog.ReadAll(Path.Combine(run1, "metrics.jsonl")).Select(r => (string?)r["kind"]).ToList();
        Assert.Equal(new[] { "epoch", "controller", "epoch", "controller", "derive", "policy_vs_uniform" }, kinds);
        Assert.Contains("policy vs uniform sampling (shared-weight accuracy, same validation data): policy samples mean", stdout);
        var summary = JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(run1, "summary.json")), SearchJsonContext.Default.SearchSummary)!;
        Assert.NotNull(summary.PolicyVsUniform);
        Assert.InRange(summary.PolicyVsUniform.UniformSamples, 1, 4);
        Assert.InRange(summary.PolicyVsUniform.UniformBest, summary.PolicyVsUniform.UniformMean, 1.0);

        // Interrupted run: stop after epoch 1 (checkpoint written), leave a torn metrics line, then --resume.
        var run2 = Path.Combine(_root, "run2");
        var options = JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(run1, "config.json")), SearchJsonContext.Default.SearchOptions)!;
        var folder = RunFolder.Create(run2, File.ReadAllText(Path.Combine(run1, "config.json")));
        using (var progress = new ProgressReporter(TextWriter.Null, live: false))
        {
            var (task, search) = SearchLoops.Image(options, SearchAction.LoadSplits(options), Enas.Engine.Device.Cpu, folder, progress);
            using (task)
            using (search)
                Assert.Null(search.Run(stopAfterEpochs: 1));
        }
        File.AppendAllText(Path.Combine(run2, "metrics.jsonl"), "{\"kind\":\"epoch\",\"epoch\":2,\"lr\":0.0");
        (code, _, _) = Cli("--resume", "--out", run2);
        Assert.Equal(0, code);
        Assert.Equal(File.ReadAllText(Path.Combine(run1, "best-architecture.txt")), File.ReadAllText(Path.Combine(run2, "best-architecture.txt")));
        Assert.Equal(MetricsWithoutTimes(run1), MetricsWithoutTimes(run2));

        // A corrupted checkpoint is detected on load (clear message, exit 2) and left as it is.
        var ckpt = Path.Combine(run2, "checkpoints", "last.ckpt");
        var bytes = File.ReadAllBytes(ckpt);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(ckpt, bytes);
        (code, _, var err) = Cli("--resume", "--out", run2);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("checksum", err);
        Assert.Equal(bytes, File.ReadAllBytes(ckpt));

        // Retrain the derived architecture from scratch for one epoch, then evaluate the saved model.
        var run3 = Path.Combine(_root, "run3");
        var arch = Path.Combine(run1, "best-architecture.json");
        (code, stdout, _) = Cli("train", "--arch", arch, "--data", data, "--epochs", "1", "--channels", "4", "--layers", "1",
            "--batch-size", "16", "--out", run3);
        Assert.Equal(0, code);
        Assert.Contains("test accuracy after training from scratch", stdout);
        Assert.True(File.Exists(Path.Combine(run3, "model.ckpt")));
        (code, stdout, _) = Cli("eval", "--arch", arch, "--model", Path.Combine(run3, "model.ckpt"), "--data", data,
            "--channels", "4", "--layers", "1");
        Assert.Equal(0, code);
        Assert.Contains("test accuracy:", stdout);
        // the run's own official string (best-architecture.txt) names the same architecture
        string accuracy = stdout.Split('\n').Single(l => l.StartsWith("test accuracy:"));
        (code, stdout, err) = Cli("eval", "--arch", Path.Combine(run1, "best-architecture.txt"), "--model", Path.Combine(run3, "model.ckpt"),
            "--data", data, "--channels", "4", "--layers", "1");
        Assert.True(code == 0, err);
        Assert.Equal(accuracy, stdout.Split('\n').Single(l => l.StartsWith("test accuracy:")));
        // a search checkpoint is not a model, and eval says so
        (code, _, err) = Cli("eval", "--arch", arch, "--model", Path.Combine(run1, "checkpoints", "last.ckpt"), "--data", data,
            "--channels", "4", "--layers", "1");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("is a search checkpoint", err);

        // The authors' final network (strided reduction ops, concatenated loose ends) trains and evaluates the same way.
        var run4 = Path.Combine(_root, "run4");
        (code, stdout, err) = Cli("train", "--arch", arch, "--data", data, "--epochs", "1", "--channels", "4", "--layers", "1",
            "--batch-size", "16", "--network", "final", "--out", run4);
        Assert.True(code == 0, err);
        Assert.Contains("final cells", stdout);
        (code, stdout, err) = Cli("eval", "--arch", arch, "--model", Path.Combine(run4, "model.ckpt"), "--data", data,
            "--channels", "4", "--layers", "1", "--network", "final");
        Assert.True(code == 0, err);
        Assert.Contains("test accuracy:", stdout);
        (code, _, err) = Cli("eval", "--arch", arch, "--model", Path.Combine(run4, "model.ckpt"), "--data", data,
            "--channels", "4", "--layers", "1");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("does not match this architecture and size", err);
        (code, _, err) = Cli("train", "--arch", arch, "--data", data, "--network", "paper", "--out", Path.Combine(_root, "run5"));
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--network must be search or final, got 'paper'", err);
    }

    [Fact]
    public void DivergingLossStopsWithAMessageAndWritesNoCheckpoint()
    {
        var data = DataDir();
        var outDir = Path.Combine(_root, "diverge");
        var args = Tiny(data, outDir).Concat(["--lr-max", "1e30", "--lr-min", "1e30"]).ToArray();
        var (code, _, err) = Cli(args);
        Assert.Equal(CliApp.Diverged, code);
        Assert.Contains("loss became", err);
        Assert.False(File.Exists(Path.Combine(outDir, "checkpoints", "last.ckpt")));
        // no claim of a checkpoint that does not exist, and nothing left that would block the same --out
        Assert.DoesNotContain("checkpoint is kept", err);
        Assert.Contains("before its first checkpoint, so nothing was saved", err);
        Assert.False(Directory.Exists(outDir));
        Assert.Equal(0, Cli(Tiny(data, outDir)).Code);
    }

    [Fact]
    public void DivergingAfterACheckpointSaysWhatIsKeptAndWhatToDo()
    {
        using var dir = new TempFolder();
        var folder = RunFolder.Create(dir["run"], "{}");
        File.WriteAllBytes(Path.Combine(folder.CheckpointsPath, "last.ckpt"), [1]);
        var e = SearchAction.Diverged("shared-weight loss became NaN at epoch 3, step 2", folder, epochsDone: 2, epochs: 8);
        Assert.Contains("keeps the checkpoint after epoch 2 of 8", e.Message);
        Assert.Contains("lower --lr-max", e.Message);
        Assert.True(File.Exists(Path.Combine(folder.CheckpointsPath, "last.ckpt")));
        Assert.True(File.Exists(folder.ConfigPath));
    }

    [Fact]
    public void OutFoldersThatCannotBeMadeOrWrittenAreUsageErrorsThatSayWhatToDo()
    {
        var data = DataDir();
        var file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "x");
        var (code, stdout, err) = Cli(Tiny(data, Path.Combine(file, "sub")));
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains($"{file} is a file, so no folder can be made under it. Choose another --out", err);
        Assert.DoesNotContain("   at ", err + stdout);
        if (OperatingSystem.IsLinux()) // /proc takes no new folders, even from root
        {
            (code, stdout, err) = Cli(Tiny(data, "/proc/enas-cannot-write-here"));
            Assert.Equal(CliApp.UsageError, code);
            Assert.Contains("cannot write the run folder /proc/enas-cannot-write-here", err);
            Assert.Contains("or choose another --out", err);
            Assert.DoesNotContain("   at ", err + stdout);
        }
    }

    [Fact]
    public void PairedControllerRewardsRunAndDefaultConfigsKeepTheirOldForm()
    {
        var data = DataDir();
        var paired = Path.Combine(_root, "paired");
        var (code, stdout, err) = Cli([.. Tiny(data, paired), "--controller-reward", "paired", "--controller-lr", "0.01",
            "--controller-adam-eps", "1e-8", "--reward-batches", "2", "--derive-batches", "1"]);
        Assert.True(code == 0, err + stdout);
        string config = File.ReadAllText(Path.Combine(paired, "config.json"));
        Assert.Contains("\"pairedReward\": true", config);
        Assert.Contains("\"learningRate\": 0.01,", config);
        Assert.Contains("\"adamEpsilon\": 1E-08,", config);
        Assert.Contains("\"rewardBatches\": 2", config);
        Assert.Contains("\"deriveBatches\": 1,", config);
        var controller = MetricsLog.ReadAll(Path.Combine(paired, "metrics.jsonl")).Where(r => (string?)r["kind"] == "controller").ToList();
        Assert.Equal(2, controller.Count);
        Assert.All(controller, r => Assert.Equal(4, (int)r["samples"]!)); // 2 steps x 2 samples
        Assert.All(controller, r => Assert.True(double.IsFinite((double)r["loss"]!)));
        // The cpu preset (the default) writes its paired controller; the paper's reward leaves the option out of
        // config.json, as every run before it existed did, so their checkpoints still resume.
        var plain = Path.Combine(_root, "plain");
        (code, _, _) = Cli(Tiny(data, plain));
        Assert.Equal(0, code);
        Assert.Contains("\"pairedReward\": true", File.ReadAllText(Path.Combine(plain, "config.json")));
        Assert.Contains("\"rewardBatches\": 4", File.ReadAllText(Path.Combine(plain, "config.json")));
        Assert.DoesNotContain("rankCheck", File.ReadAllText(Path.Combine(plain, "config.json")));
        var paper = Path.Combine(_root, "paper");
        (code, _, _) = Cli([.. Tiny(data, paper), "--controller-reward", "paper"]);
        Assert.Equal(0, code);
        Assert.DoesNotContain("pairedReward", File.ReadAllText(Path.Combine(paper, "config.json")));
        var oneSample = Tiny(data, Path.Combine(_root, "p1"));
        oneSample[Array.IndexOf(oneSample, "--controller-aggregate") + 1] = "1";
        (code, _, err) = Cli([.. oneSample, "--controller-reward", "paired"]);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("give --controller-aggregate 2 or more", err);
        (code, _, err) = Cli([.. Tiny(data, Path.Combine(_root, "p2")), "--controller-reward", "best"]);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--controller-reward best: allowed paper or paired", err);
        (code, _, err) = Cli([.. Tiny(data, Path.Combine(_root, "p3")), "--controller-adam-eps", "0"]);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--controller-adam-eps must be positive", err);
    }

    [Fact]
    public void FixedControllerTrainsTheOneArchitectureItWasGiven()
    {
        var data = DataDir();
        var first = Path.Combine(_root, "first");
        Assert.Equal(0, Cli(Tiny(data, first)).Code);
        string archFile = Path.Combine(first, "best-architecture.json");
        string official = File.ReadLines(Path.Combine(first, "best-architecture.txt")).First().Trim();
        var fixedRun = Path.Combine(_root, "fixed");
        var (code, stdout, err) = Cli([.. Tiny(data, fixedRun), "--controller", "fixed", "--arch", archFile]);
        Assert.True(code == 0, err + stdout);
        Assert.Contains("controller fixed", stdout);
        var derive = MetricsLog.ReadAll(Path.Combine(fixedRun, "metrics.jsonl")).Single(r => (string?)r["kind"] == "derive");
        Assert.Equal(official, (string?)derive["best"]);
        Assert.Equal(official, File.ReadLines(Path.Combine(fixedRun, "best-architecture.txt")).First().Trim());
        Assert.Contains("\"fixedArchitecture\"", File.ReadAllText(Path.Combine(fixedRun, "config.json")));
        Assert.DoesNotContain("fixedArchitecture", File.ReadAllText(Path.Combine(first, "config.json")));

        (code, _, err) = Cli([.. Tiny(data, Path.Combine(_root, "f2")), "--controller", "fixed"]);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--controller fixed needs --arch FILE", err);
        (code, _, err) = Cli([.. Tiny(data, Path.Combine(_root, "f3")), "--arch", archFile]);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--arch needs --controller fixed", err);
        var threeCells = Tiny(data, Path.Combine(_root, "f4"));
        threeCells[Array.IndexOf(threeCells, "--cells") + 1] = "3";
        (code, _, err) = Cli([.. threeCells, "--controller", "fixed", "--arch", archFile]);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("match --space and --cells/--layers", err);
        Assert.False(Directory.Exists(Path.Combine(_root, "f4")));
    }

    [Fact]
    public void RankCheckTrainsPolicyAndUniformArchitecturesAloneAndCorrelates()
    {
        var data = DataDir();
        var run = Path.Combine(_root, "rank");
        var (code, stdout, err) = Cli([.. Tiny(data, run), "--rank-check", "4", "--rank-check-epochs", "1"]);
        Assert.True(code == 0, err + stdout);
        Assert.Contains("rank check (4 architectures, each trained alone for 1 epoch(s)", stdout);
        var records = MetricsLog.ReadAll(Path.Combine(run, "metrics.jsonl"));
        var checks = records.Where(r => (string?)r["kind"] == "rank_check").ToList();
        Assert.Equal(4, checks.Count);
        Assert.Equal(new[] { "policy", "policy", "uniform", "uniform" }, checks.Select(r => (string?)r["source"]));
        Assert.Equal(4, checks.Select(r => (string?)r["architecture"]).Distinct().Count());
        Assert.All(checks, r => Assert.InRange((double)r["standalone_accuracy"]!, 0.0, 1.0));
        var summaryLine = records.Single(r => (string?)r["kind"] == "rank_check_summary");
        Assert.Equal(4, (int)summaryLine["architectures"]!);
        foreach (var source in new[] { "policy", "uniform" })
        {
            double mean = checks.Where(r => (string?)r["source"] == source).Average(r => (double)r["standalone_accuracy"]!);
            Assert.Equal(mean, (double)summaryLine[$"standalone_mean_{source}"]!, 12);
            Assert.False(summaryLine.ContainsKey($"kendall_tau_{source}")); // 2 of each: too few for a tau within
        }
        var summary = JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(run, "summary.json")), SearchJsonContext.Default.SearchSummary)!;
        Assert.NotNull(summary.RankCheck);
        Assert.Equal(4, summary.RankCheck.Entries.Count);
        double[] shared = [.. summary.RankCheck.Entries.Select(e => e.SharedWeightAccuracy)];
        double[] alone = [.. summary.RankCheck.Entries.Select(e => e.StandaloneAccuracy)];
        var tau = RankCorrelation.KendallTauB(shared, alone);
        Assert.True(double.IsNaN(tau) ? double.IsNaN(summary.RankCheck.KendallTau) : Math.Abs(tau - summary.RankCheck.KendallTau) < 1e-12);
        string config = File.ReadAllText(Path.Combine(run, "config.json"));
        Assert.Contains("\"rankCheck\": 4,", config);
        Assert.Contains("\"rankCheckEpochs\": 1,", config);

        (code, _, err) = Cli([.. Tiny(data, Path.Combine(_root, "r2")), "--rank-check", "2"]);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--rank-check needs at least 3 architectures", err);
        (code, _, err) = Cli([.. Tiny(data, Path.Combine(_root, "r3")), "--rank-check-epochs", "2"]);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--rank-check-epochs only applies with --rank-check K", err);
    }

    [Fact]
    public void ResumeRefusesOtherTrainingOptionsAndTakesMoreEpochsAndNewDeriveOptions()
    {
        var data = DataDir();
        var run = Path.Combine(_root, "resume");
        Assert.Equal(0, Cli(Tiny(data, run)).Code);
        string metricsBefore = File.ReadAllText(Path.Combine(run, "metrics.jsonl"));

        var (code, _, err) = Cli("--resume", "--out", run, "--seed", "7", "--space", "macro");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--seed: checkpoint 3, now 7", err);
        Assert.Contains("--space: checkpoint \"micro\", now \"macro\"", err);
        Assert.Contains("may change", err);
        (code, _, err) = Cli("--resume", "--out", run, "--preset", "paper-micro");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--preset cannot change a run on resume", err);
        (code, _, err) = Cli("--resume", "--out", run, "--epochs", "1");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("has already trained 2 epochs", err);
        Assert.Equal(metricsBefore, File.ReadAllText(Path.Combine(run, "metrics.jsonl"))); // refusals write nothing

        // A finished search derives again with other derive options, then trains one more epoch.
        (code, var stdout, err) = Cli("--resume", "--out", run, "--derive-samples", "2", "--rank-check", "3", "--rank-check-epochs", "1");
        Assert.True(code == 0, err + stdout);
        Assert.Contains("rank check (3 architectures", stdout);
        Assert.Contains("\"rankCheck\": 3,", File.ReadAllText(Path.Combine(run, "config.json")));
        // --rank-check 0 drops the stored check, its epochs with it.
        (code, stdout, err) = Cli("--resume", "--out", run, "--epochs", "3", "--rank-check", "0");
        Assert.True(code == 0, err + stdout);
        Assert.DoesNotContain("rank check (", stdout);
        Assert.DoesNotContain("\"rankCheckEpochs\": 1,", File.ReadAllText(Path.Combine(run, "config.json")));
        var epochs = MetricsLog.ReadAll(Path.Combine(run, "metrics.jsonl")).Where(r => (string?)r["kind"] == "epoch").ToList();
        Assert.Equal(new[] { 1, 2, 3 }, epochs.Select(r => (int)r["epoch"]!));
    }

    [Fact]
    public void BadInputsGiveAMessageAndNonZeroExitWithoutWriting()
    {
        var data = DataDir();
        var outDir = Path.Combine(_root, "bad");
        var (code, _, err) = Cli("--space", "foo", "--data", data, "--out", outDir);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--space must be micro, macro or rnn", err);
        (code, _, err) = Cli("--data", Path.Combine(_root, "nowhere"), "--out", outDir);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("nowhere", err);
        (code, _, err) = Cli("--device", "cuda", "--data", data, "--out", outDir);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("CUDA", err);
        Assert.False(Directory.Exists(outDir));
        (code, _, err) = Cli("--resume", "--out", outDir);
        Assert.Equal(CliApp.UsageError, code);
        var badArch = Path.Combine(_root, "bad.json");
        File.WriteAllText(badArch, "{\"schemaVersion\":1,\"space\":\"micro\",\"size\":2,\"tokens\":[0,9]}");
        (code, _, err) = Cli("train", "--arch", badArch, "--data", data);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("needs 16", err);
        (code, _, err) = Cli("--space", "micro", "--nodes", "4", "--data", data, "--out", outDir);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--nodes is for the recurrent search (--space rnn)", err);
        Assert.False(Directory.Exists(outDir));
        (code, _, _) = Cli("--cells", "abc");
        Assert.NotEqual(0, code);
        (code, var help, _) = Cli("--help");
        Assert.Equal(0, code);
        Assert.Contains("--controller", help);
        Assert.Contains("--preset", help);
    }
}
