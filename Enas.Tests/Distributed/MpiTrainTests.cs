using System.Text.Json;
using System.Text.RegularExpressions;
using Enas.Engine;
using Enas.Engine.Serialization;
using Enas.Search.Cli;
using Enas.Search.Data;
using Enas.Search.Distributed;
using Enas.Search.Reporting;
using Enas.Search.Training;
using Enas.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Enas.Tests.Distributed;

/// <summary><c>train</c> under <c>mpirun -np 2</c> against one process training the same two shards of every batch.</summary>
public sealed class MpiTrainTests(ITestOutputHelper output)
{
    // As MpiSearchTests: the two ranks run the reference's kernels on the same rows; only the summation order of the
    // thread count differs.
    private const double Tolerance = 1e-5;

    /// <summary>
    /// Two ranks retrain a 2-node micro cell (aux head, drop-path, dropout) for 2 epochs on 41 images in global batches
    /// of 16 (last batch 9: shards of 5 and 4). The reference is one process training both shards of every batch
    /// (<see cref="DataParallel.Emulated"/>): the per-epoch training loss and accuracy and every parameter of the saved
    /// model must match it. The running batch-norm statistics are averaged over the ranks after every epoch (the
    /// reference accumulates both shards in one set, so they are not compared); the replica check after every epoch
    /// proves both ranks hold the same model. Rank 1 writes nothing and only rank 0 prints.
    /// </summary>
    [RequiresMpirunFact]
    public void TwoRanksRetrainLikeOneProcessOfTheSameShardsAndOnlyRankZeroWrites()
    {
        using var dir = new TempFolder();
        var data = dir["data"];
        SyntheticImages.WriteFashionMnist(data, SyntheticImages.GenerateTrainTest(41, 24, classes: 4, height: 8, width: 8, seed: 6), gzip: true);
        var ranks = Mpirun.RankFolders(dir);
        string[] args = ["train", "--arch", "1 1 0 4 2 4 1 0 1 0 0 0 1 0 0 1", "--space", "micro", "--data", data, "--epochs", "2",
            "--channels", "4", "--layers", "1", "--batch-size", "16", "--seed", "5", "--out", "run"];
        var (code, stdout, stderr) = Mpirun.Search(ranks, args, TimeSpan.FromMinutes(4));
        output.WriteLine(stdout + stderr);
        Assert.True(code == 0, stderr);
        var run = Path.Combine(ranks[0], "run");
        foreach (var f in new[] { "config.json", "metrics.jsonl", "model.ckpt", "architecture.json", "report.html", "checkpoints/last.ckpt" })
            Assert.True(File.Exists(Path.Combine(run, f)), $"rank 0 did not write {f}");
        Assert.Empty(Directory.EnumerateFileSystemEntries(ranks[1]));
        Assert.Single(Regex.Matches(stdout, "test accuracy after training from scratch"));
        Assert.Contains("data-parallel on 2 ranks (mpirun)", stdout);

        var options = JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(run, "config.json")), SearchJsonContext.Default.SearchOptions)!;
        var (space, arch) = TrainAction.ReadArchitecture(Path.Combine(run, "architecture.json"));
        var (train, test, _) = RetrainData.Split(DataLoading.Load(options), options.Retrain);
        using var reference = new RetrainSession(space, arch, options, train, test, Device.Cpu, DataParallel.Emulated(2));
        var referenceMetrics = dir["reference.jsonl"];
        using (var metrics = MetricsLog.Open(referenceMetrics, resume: false))
        using (var progress = new ProgressReporter(TextWriter.Null, live: false))
            reference.Run(metrics, progress);
        var one = MetricsLog.ReadAll(referenceMetrics).Where(r => (string?)r["kind"] == "retrain").ToList();
        var two = MetricsLog.ReadAll(Path.Combine(run, "metrics.jsonl")).Where(r => (string?)r["kind"] == "retrain").ToList();
        Assert.Equal(2, two.Count);
        Assert.Equal(2, one.Count);
        for (int e = 0; e < 2; e++)
            foreach (string key in new[] { "train_loss", "train_accuracy", "lr" })
                OneProcessComparison.AssertClose((double)one[e][key]!, (double)two[e][key]!, Tolerance, $"epoch {e + 1} {key}");

        // And the split is real: one process on whole batches (batch norm over all 16 images) trains otherwise.
        using var whole = new RetrainSession(space, arch, options, train, test, Device.Cpu);
        using (var progress = new ProgressReporter(TextWriter.Null, live: false))
            whole.Run(null, progress);
        var wholeModel = whole.Weights.ToEntries().ToDictionary(e => e.Name);

        var (_, model) = Checkpoint.Read(Path.Combine(run, "model.ckpt"));
        int compared = 0;
        foreach (var e in reference.Weights.ToEntries().Where(e => !e.Name.EndsWith(".mean", StringComparison.Ordinal) && !e.Name.EndsWith(".var", StringComparison.Ordinal)))
        {
            OneProcessComparison.AssertClose(e, model[e.Name].Data, Tolerance);
            compared++;
        }
        Assert.True(compared > 10, $"only {compared} parameters compared");
        double largest = model.Where(kv => wholeModel.ContainsKey(kv.Key))
            .Max(kv => kv.Value.Data.Zip(wholeModel[kv.Key].Data, (a, b) => Math.Abs(a - b)).Max());
        Assert.True(largest > 1e-3, $"two ranks trained what one process on whole batches trains (largest difference {largest})");
    }
}
