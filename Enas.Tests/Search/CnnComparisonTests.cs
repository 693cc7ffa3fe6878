using System.Text.Json.Nodes;
using Enas.Search.Cli;
using Enas.Search.Data;
using Enas.Search.Reporting;
using Enas.Search.Spaces;
using Enas.Search.Training;
using Enas.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Enas.Tests.Search;

/// <summary><c>--compare</c> on CNN searches: the plan, the table, and a resumable end-to-end run.</summary>
public sealed class CnnComparisonTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ImageDataset Images() =>
        SyntheticImages.GenerateTrainTest(64, 16, classes: 4, height: 28, width: 28, seed: 2).Train;

    [Fact]
    public void PlanHoldsEveryRolePerSeedWithNewRandomArchitectures()
    {
        var space = new MicroSpace(5);
        var searched = Architecture.ParseOfficial(space, SearchSpaces.PublishedMicro);
        var o = new SearchOptions { Seed = 7 };
        var jobs = CnnComparison.Plan(space, searched, o, new CompareOptions { Seeds = 2, RandomArchitectures = 2 }, Images());
        Assert.Equal(new[] { "searched", "random", "random", "published", "handmade" }, jobs.Where(j => j.Seed == 7).Select(j => j.Role));
        Assert.Equal(5, jobs.Count(j => j.Seed == 8));
        Assert.All(jobs, j => Assert.Equal(j.Seed, j.Options.Seed));
        var random7 = jobs.Where(j => j.Seed == 7 && j.Role == "random").Select(j => j.Model).ToList();
        var random8 = jobs.Where(j => j.Seed == 8 && j.Role == "random").Select(j => j.Model).ToList();
        Assert.NotEqual(random7[0], random7[1]);
        Assert.Empty(random7.Intersect(random8));
        Assert.Equal(random7, CnnComparison.RandomArchitectures(space, 7, 2).Select(a => a.ToOfficialString()));
        Assert.Null(CnnComparison.Published(new MicroSpace(3)));
    }

    [Fact]
    public void HandmadeCnnIsSizedLikeTheSearchedNetwork()
    {
        var space = new MicroSpace(5);
        var searched = Architecture.ParseOfficial(space, SearchSpaces.PublishedMicro);
        var o = new SearchOptions();
        var (job, channels) = CnnComparison.Handmade(space, searched, o, Images());
        Assert.Equal("macro", job.Space.Name);
        Assert.All(job.Architecture.Tokens, t => Assert.Equal(0, t)); // conv 3x3, no skips
        long Count(ISearchSpace s, Architecture a, SearchOptions so)
        {
            using var fresh = new Enas.Search.Sharing.FreshWeights(0, Enas.Engine.Device.Cpu);
            return Enas.Search.Network.ChildBuilder.Build(s, a, Retrainer.Network(s, so, Images()), fresh, Enas.Engine.Device.Cpu).ParameterCount;
        }
        long target = Count(space, searched, o), handmade = Count(job.Space, job.Architecture, job.Options);
        output.WriteLine($"searched {target:N0}, hand-made {handmade:N0} at C = {channels}");
        Assert.InRange(handmade, target * 0.85, target * 1.15);
    }

    [Fact]
    public void TableReportsMeansAndPairedDifferencesAndRoundTrips()
    {
        var t = new ComparisonTable("test accuracy", higherIsBetter: true, percent: true, reference: "searched");
        t.Add(new ComparisonEntry("searched", "a", 1, 100, 0.90, 10));
        t.Add(new ComparisonEntry("random", "r1", 1, 90, 0.80, 10));
        t.Add(new ComparisonEntry("random", "r2", 1, 95, 0.86, 10));
        t.Add(new ComparisonEntry("searched", "a", 2, 100, 0.92, 10));
        t.Add(new ComparisonEntry("random", "r3", 2, 90, 0.94, 10));
        var diffs = t.PairedDifferences("random");
        Assert.Equal(0.07, diffs[0], 12); // 0.90 - mean(0.80, 0.86)
        Assert.Equal(-0.02, diffs[1], 12);
        string text = t.Text();
        Assert.Contains("searched - random, test accuracy, paired by seed: +2.50 pts ± 6.36 over 2 seeds; searched better in 1 of 2", text);
        Assert.Contains("searched | 2 | 91.00 % ± 1.41", text);
        t.Save(_dir.Path);
        var back = ComparisonTable.Load(_dir.Path, "test accuracy", true, true, "searched");
        Assert.Equal(t.Entries, back.Entries);
        Assert.Equal(text, back.Text());
        File.WriteAllText(Path.Combine(_dir.Path, ComparisonTable.JsonFile), "{ \"score\": ");
        var e = Assert.Throws<InvalidDataException>(() => ComparisonTable.Load(_dir.Path, "test accuracy", true, true, "searched"));
        Assert.Contains("move it away", e.Message);
    }

    [Fact]
    public void SearchWithCompareWritesTheTableAndResumesIt()
    {
        var data = Path.Combine(_dir.Path, "data");
        SyntheticImages.WriteFashionMnist(data, SyntheticImages.GenerateTrainTest(96, 32, classes: 4, height: 8, width: 8, seed: 5), gzip: true);
        var run = Path.Combine(_dir.Path, "run");
        string[] args =
        [
            "--data", data, "--cells", "2", "--layers", "1", "--channels", "4", "--epochs", "1", "--batch-size", "16",
            "--train-subset", "48", "--validation-size", "32", "--controller-steps", "1", "--controller-aggregate", "2",
            "--derive-samples", "2", "--derive-batches", "1", "--seed", "3", "--out", run, "--retrain-epochs", "1",
            "--retrain-channels", "4", "--retrain-layers", "1", "--compare", "--compare-seeds", "2", "--compare-random", "1",
        ];
        var (code, stdout, err) = CliRun.Run(output, args);
        Assert.True(code == 0, err);
        Assert.Contains("comparison: 6 models", stdout);
        Assert.Contains("searched - handmade, test accuracy, paired by seed:", stdout);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(run, ComparisonTable.JsonFile)))!;
        var models = json["models"]!.AsArray();
        Assert.Equal(new[] { "searched", "random", "handmade", "searched", "random", "handmade" }, models.Select(m => (string?)m!["role"]));
        string full = File.ReadAllText(Path.Combine(run, ComparisonTable.TextFile));

        // Lose the last two models (a crash in the middle of the comparison): --resume trains only those, identically.
        models.RemoveAt(5);
        models.RemoveAt(4);
        File.WriteAllText(Path.Combine(run, ComparisonTable.JsonFile), json.ToJsonString());
        (code, stdout, err) = CliRun.Run(output, "--resume", "--out", run);
        Assert.True(code == 0, err);
        Assert.Contains("comparison 5/6: random (seed 4)", stdout);
        Assert.DoesNotContain("comparison 4/6", stdout);
        Assert.Equal(WithoutTimes(full), WithoutTimes(File.ReadAllText(Path.Combine(run, ComparisonTable.TextFile))));
    }

    [Fact]
    public void CompareCountsNeedCompare()
    {
        var (code, _, err) = CliRun.Run(output, "--compare-random", "2", "--out", Path.Combine(_dir.Path, "x"));
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("only apply with --compare", err);
    }

    private static string WithoutTimes(string table) =>
        string.Join('\n', table.Split('\n').Select(l => l.Count(c => c == '|') == 5 ? l[..l.LastIndexOf('|')] : l));

}
