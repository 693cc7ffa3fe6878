using Enas.Kernels.Gpu;
using Enas.Search.Cli;
using Enas.Search.Data;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Rnn;

public class RnnCliTests
{
    /// <summary>A tiny corpus in the PTB file layout.</summary>
    internal static void WriteCorpus(TempFolder dir)
    {
        var rng = new Random(2);
        string[] words = ["the", "cat", "sat", "on", "a", "mat", "N"];
        string[] Lines(int n) => [.. Enumerable.Range(0, n).Select(_ =>
            string.Join(' ', Enumerable.Range(0, 4 + rng.Next(5)).Select(i => words[(i + rng.Next(2)) % words.Length])))];
        File.WriteAllLines(dir[WordCorpus.TrainFile], Lines(80));
        File.WriteAllLines(dir[WordCorpus.ValidFile], Lines(30));
        File.WriteAllLines(dir[WordCorpus.TestFile], Lines(30));
    }

    /// <summary>A one-epoch search of a 3-node cell on the tiny corpus in <paramref name="dir"/>.</summary>
    private static string[] TinySearch(TempFolder dir, string outDir, params string[] extra) =>
        ["--space", "rnn", "--dataset", "ptb", "--data", dir.Path, "--nodes", "3", "--hidden", "8", "--batch-size", "4",
         "--bptt", "6", "--epochs", "1", "--max-windows", "3", "--controller-steps", "2", "--derive-samples", "3",
         "--out", outDir, .. extra];

    [Fact]
    public void SearchDerivesWritesOutputsAndRetrains()
    {
        using var dir = new TempFolder();
        WriteCorpus(dir);
        var outDir = dir["run"];
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string[] args = TinySearch(dir, outDir, "--retrain-epochs", "1");
        int code = CliApp.Run(args, stdout, stderr, live: false);
        Assert.True(code == 0, stderr.ToString() + stdout);
        var text = stdout.ToString();
        Assert.Contains("best cell:", text);
        Assert.Contains("test ppl", text);
        foreach (var f in new[] { "best-architecture.json", "best-architecture.txt", "rnn-cell.svg", "metrics.jsonl" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), f);
        Assert.True(File.Exists(Path.Combine(outDir, "checkpoints", "last.ckpt")));
        var again = new StringWriter();
        Assert.Equal(CliApp.UsageError, CliApp.Run(args, new StringWriter(), again, live: false));
        Assert.Contains("pass --resume", again.ToString());
        var resumed = new StringWriter();
        Assert.Equal(0, CliApp.Run([.. args, "--resume"], resumed, stderr, live: false));
        Assert.Contains("resuming after epoch 1 of 1", resumed.ToString());
        // the same derive result: nothing was trained after the checkpoint
        string Best(string t) => t.Split('\n').First(l => l.StartsWith("search time")).Split("best cell:")[1].Trim();
        Assert.Equal(Best(text), Best(resumed.ToString()));
        // derive options may change on resume; training options may not, and the refusal names them
        string[] With(string flag, string value) => [.. args.Select((a, i) => i > 0 && args[i - 1] == flag ? value : a), "--resume"];
        Assert.Equal(0, CliApp.Run(With("--derive-samples", "5"), new StringWriter(), stderr, live: false));
        var refused = new StringWriter();
        Assert.Equal(CliApp.UsageError, CliApp.Run(With("--hidden", "16"), new StringWriter(), refused, live: false));
        Assert.True(refused.ToString().Contains("--hidden: checkpoint 8, now 16"), refused.ToString());
        Assert.DoesNotContain("EffectiveCellInitRange", refused.ToString());
        Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(outDir, "rnn-cell.svg")).TrimStart().Split('\n').First(l => l.StartsWith("<svg")));
    }

    [Fact]
    public void LstmBaselineAndGivenCellTrain()
    {
        using var dir = new TempFolder();
        WriteCorpus(dir);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string[] common = ["--data", dir.Path, "--hidden", "8", "--batch-size", "4", "--bptt", "6", "--max-windows", "3",
            "--retrain-epochs", "1", "--out", dir["run"]];
        Assert.Equal(0, CliApp.Run(["--baseline", "lstm", .. common], stdout, stderr, live: false));
        Assert.Contains("lstm:", stdout.ToString());
        Assert.Equal(0, CliApp.Run(["--space", "rnn", "--nodes", "3", "--cell", "0 0 1 1 3", .. common[..^2], "--out", dir["cell"]],
            stdout, stderr, live: false));
        Assert.Contains("enas cell [0 0 1 1 3]", stdout.ToString());
        Assert.Contains("h_t = mean(node 2)", stdout.ToString());
        var all = new StringWriter();
        Assert.Equal(0, CliApp.Run(["--space", "rnn", "--nodes", "3", "--cell", "0 0 1 1 3", "--cell-output", "all", .. common[..^2],
            "--out", dir["run-all"]], all, stderr, live: false));
        Assert.Contains("h_t = mean(node 0, node 1, node 2)", all.ToString());
        var bad = new StringWriter();
        Assert.Equal(CliApp.UsageError, CliApp.Run(["--space", "rnn", "--cell-output", "last", .. common], new StringWriter(), bad, live: false));
        Assert.Contains("--cell-output last: allowed 'loose'", bad.ToString());
    }

    [Fact]
    public void RecurrentRunsTakeOnlyNewOrEmptyFoldersAndResumeFromTheirConfig()
    {
        using var dir = new TempFolder();
        WriteCorpus(dir);
        // a folder holding someone else's files is refused, and left as it was
        Directory.CreateDirectory(dir["mine"]);
        File.WriteAllText(Path.Combine(dir["mine"], "notes.txt"), "mine");
        var (code, _, err) = CliRun.Run(null, TinySearch(dir, dir["mine"]));
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("is not empty and is not a run folder", err);
        Assert.DoesNotContain("--resume", err);
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(dir["mine"]).Select(Path.GetFileName));
        // a resume of a missing folder creates nothing
        (code, _, err) = CliRun.Run(null, [.. TinySearch(dir, dir["missing"]), "--resume"]);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("does not exist", err);
        Assert.False(Directory.Exists(dir["missing"]));
        // the run folder records the space, the options and the device used, so --resume --out alone continues it
        var run = dir["run"];
        Assert.Equal(0, CliRun.Run(null, TinySearch(dir, run)).Code);
        string config = File.ReadAllText(Path.Combine(run, "config.json"));
        Assert.Contains("\"space\": \"rnn\"", config);
        Assert.Contains("\"deviceUsed\": \"", config);
        Assert.DoesNotContain("\"deviceUsed\": \"auto\"", config);
        (code, var stdout, err) = CliRun.Run(null, "--resume", "--out", run);
        Assert.True(code == 0, err + stdout);
        Assert.Contains("resuming after epoch 1 of 1", stdout);
        (code, _, err) = CliRun.Run(null, "--resume", "--out", run, "--space", "micro");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("holds a recurrent (rnn) run; leave out --space micro", err);
        // a run that trained a given cell has nothing to resume, and says so
        Assert.Equal(0, CliRun.Run(null, "--cell", "0 0 1 1 3", "--data", dir.Path, "--hidden", "8", "--batch-size", "4", "--bptt", "6",
            "--max-windows", "2", "--retrain-epochs", "1", "--out", dir["cell"]).Code);
        Assert.False(Directory.Exists(Path.Combine(dir["cell"], "checkpoints")));
        (code, _, err) = CliRun.Run(null, "--resume", "--out", dir["cell"]);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("trained a given cell (--cell) from scratch, which keeps no checkpoint", err);
    }

    [Fact]
    public void CompareTrainsTheSearchedCellARandomCellAndTheLstmWithOneBudget()
    {
        using var dir = new TempFolder();
        WriteCorpus(dir);
        var outDir = dir["run"];
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string[] args = TinySearch(dir, outDir, "--retrain-epochs", "2", "--compare");
        Assert.True(CliApp.Run(args, stdout, stderr, live: false) == 0, stderr.ToString() + stdout);
        var table = File.ReadAllText(Path.Combine(outDir, "comparison.txt"));
        Assert.Contains("\nsearched | enas cell [", table);
        Assert.Contains("\nrandom | enas cell [", table);
        Assert.Contains("\nlstm | lstm |", table);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "comparison.json")));
        Assert.Equal("test ppl", json.RootElement.GetProperty("score").GetString());
        var models = json.RootElement.GetProperty("models");
        Assert.Equal(3, models.GetArrayLength());
        foreach (var model in models.EnumerateArray())
        {
            Assert.Matches(@"^best epoch [12]/2, valid ppl ", model.GetProperty("details").GetString());
            Assert.True(model.GetProperty("score").GetDouble() is > 1 and < 100);
        }
        var bad = new StringWriter();
        Assert.Equal(CliApp.UsageError, CliApp.Run(["--baseline", "lstm", "--compare", "--data", dir.Path], new StringWriter(), bad, live: false));
        Assert.Contains("leave out --baseline", bad.ToString());
    }

    [Fact]
    public void CompareWithSeveralSeedsReportsMeansAndPairedDifferences()
    {
        using var dir = new TempFolder();
        WriteCorpus(dir);
        var outDir = dir["run"];
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string[] args = ["--space", "rnn", "--dataset", "ptb", "--data", dir.Path, "--nodes", "3", "--hidden", "8",
            "--batch-size", "4", "--bptt", "6", "--max-windows", "2", "--cell", "0 0 1 1 3", "--retrain-epochs", "1",
            "--compare", "--compare-seeds", "2", "--seed", "5", "--out", outDir];
        Assert.True(CliApp.Run(args, stdout, stderr, live: false) == 0, stderr.ToString() + stdout);
        var table = File.ReadAllText(Path.Combine(outDir, "comparison.txt"));
        Assert.Contains("role | models | test ppl mean ± sd", table);
        Assert.Contains("searched - random, test ppl, paired by seed:", table);
        Assert.Contains("searched - lstm, test ppl, paired by seed:", table);
        Assert.Contains("over 2 seeds", table);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "comparison.json")));
        var rows = json.RootElement.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(6, rows.Count);
        Assert.Equal([5UL, 5, 5, 6, 6, 6], rows.Select(r => r.GetProperty("seed").GetUInt64()));
        Assert.Equal(["searched", "random", "lstm", "searched", "random", "lstm"], rows.Select(r => r.GetProperty("role").GetString()));
        // the searched cell is the same in both seeds, the random cell is drawn again
        Assert.Equal(rows[0].GetProperty("model").GetString(), rows[3].GetProperty("model").GetString());
        Assert.NotEqual(rows[1].GetProperty("model").GetString(), rows[4].GetProperty("model").GetString());

        var bad = new StringWriter();
        Assert.Equal(CliApp.UsageError, CliApp.Run(["--space", "rnn", "--data", dir.Path, "--compare-seeds", "2"], new StringWriter(), bad, live: false));
        Assert.Contains("--compare-seeds only applies with --compare", bad.ToString());
        var one = new StringWriter();
        Assert.Equal(CliApp.UsageError, CliApp.Run(["--space", "rnn", "--data", dir.Path, "--nodes", "1", "--first-node-tanh"], new StringWriter(), one, live: false));
        Assert.Contains("leaves nothing to search", one.ToString());
    }

    [Fact]
    public void MissingDataAndMissingFilesAreUsageErrors()
    {
        var stderr = new StringWriter();
        Assert.Equal(CliApp.UsageError, CliApp.Run(["--space", "rnn"], new StringWriter(), stderr, live: false));
        Assert.Contains("--data DIR is required", stderr.ToString());
        using var dir = new TempFolder();
        stderr = new StringWriter();
        Assert.Equal(CliApp.UsageError, CliApp.Run(["--space", "rnn", "--data", dir.Path], new StringWriter(), stderr, live: false));
        Assert.Contains("ptb.train.txt: file not found", stderr.ToString());
        // flags only the CNN search reads are refused, not ignored
        foreach (var flag in new[] { "--controller-warmup", "--compare-random" })
        {
            stderr = new StringWriter();
            Assert.Equal(CliApp.UsageError, CliApp.Run(["--space", "rnn", "--data", dir.Path, flag, "1"], new StringWriter(), stderr, live: false));
            Assert.Contains($"{flag} is for the CNN search", stderr.ToString());
        }
    }

    [Fact]
    public void DeviceCudaIsNoLongerRefusedAndWithoutAGpuFailsLikeTheCnnSearch()
    {
        using var dir = new TempFolder();
        WriteCorpus(dir);
        GpuRuntime.Initialize();
        bool cuda = GpuRuntime.CudaDeviceCount > 0;
        // what the CNN search says for --device cuda on this machine (null: it accepts it)
        string? expected = null;
        try { Enas.Search.Cli.DeviceSelection.Resolve("cuda", TextWriter.Null); }
        catch (CliException e) { expected = e.Message; }
        Assert.Equal(cuda, expected is null);
        string[][] runs =
        [
            TinySearch(dir, dir["search"], "--device", "cuda", "--retrain-epochs", "0"),
            ["--baseline", "lstm", "--data", dir.Path, "--hidden", "8", "--bptt", "6", "--epochs", "1", "--max-windows", "2",
             "--out", dir["lstm"], "--device", "cuda"],
            ["--cell", "0 0 1 1 3", "--nodes", "3", "--compare", "--retrain-epochs", "1", "--data", dir.Path, "--hidden", "8",
             "--bptt", "6", "--max-windows", "2", "--out", dir["compare"], "--device", "cuda"],
        ];
        foreach (var args in runs)
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = CliApp.Run(args, stdout, stderr, live: false);
            Assert.DoesNotContain("run on the CPU in this version", stderr.ToString());
            if (cuda)
            {
                Assert.True(code == 0, stderr.ToString() + stdout);
                Assert.Contains("device: using cuda:0", stdout.ToString());
            }
            else
            {
                Assert.Equal(CliApp.UsageError, code);
                Assert.Equal($"error: {expected}", stderr.ToString().Trim());
                Assert.Contains("no CUDA device found", expected);
                Assert.False(Directory.Exists(args[Array.IndexOf(args, "--out") + 1]), "nothing is written");
            }
        }
        // --device cpu and auto are accepted and say which device they use
        var cpu = new StringWriter();
        Assert.Equal(0, CliApp.Run(["--baseline", "lstm", "--data", dir.Path, "--hidden", "8", "--bptt", "6", "--epochs", "1",
            "--max-windows", "2", "--out", dir["cpu"], "--device", "cpu"], cpu, new StringWriter(), live: false));
        Assert.Contains("device: using the managed CPU backend (--device cpu)", cpu.ToString());
    }
}
