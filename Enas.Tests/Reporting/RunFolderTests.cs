using Enas.Search.Reporting;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Reporting;

public sealed class RunFolderTests
{
    [Fact]
    public void CreateMakesTheStandardLayout()
    {
        using var dir = new TempFolder();
        var run = RunFolder.Create(dir["run"], "{\"seed\":1}");
        Assert.False(run.IsResumed);
        Assert.Equal("{\"seed\":1}", File.ReadAllText(Path.Combine(dir["run"], "config.json")));
        Assert.True(Directory.Exists(Path.Combine(dir["run"], "checkpoints")));
        Assert.Equal(Path.Combine(run.Path, "metrics.jsonl"), run.MetricsPath);
        Assert.Equal(Path.Combine(run.Path, "best-architecture.json"), run.BestArchitectureJsonPath);
        Assert.Equal(Path.Combine(run.Path, "best-architecture.txt"), run.BestArchitectureTextPath);
    }

    [Fact]
    public void RefusesToOverwriteAnotherRun()
    {
        using var dir = new TempFolder();
        RunFolder.Create(dir["run"], "{}");
        var e = Assert.Throws<RunFolderException>(() => RunFolder.Create(dir["run"], "{\"other\":1}"));
        Assert.Contains("already holds a run", e.Message);
        Assert.Contains("--resume", e.Message);
        Assert.Equal("{}", File.ReadAllText(Path.Combine(dir["run"], "config.json")));
    }

    [Fact]
    public void RefusesANonEmptyForeignFolder()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir["notes.txt"], "mine");
        var e = Assert.Throws<RunFolderException>(() => RunFolder.Create(dir.Path, "{}"));
        Assert.Contains("is not empty and is not a run folder", e.Message);
        Assert.DoesNotContain("--resume", e.Message); // it is not a run: there is nothing to resume
    }

    [Fact]
    public void ResumeNeedsAnExistingRunAndKeepsItsMetrics()
    {
        using var dir = new TempFolder();
        var e = Assert.Throws<RunFolderException>(() => RunFolder.OpenForResume(dir["nothing"]));
        Assert.Contains("no run there to continue", e.Message);

        var run = RunFolder.Open(dir["run"], "{\"seed\":2}", resume: false);
        using (var log = run.OpenMetrics()) log.Write("epoch", ("epoch", 0));

        var resumed = RunFolder.Open(dir["run"], "ignored", resume: true);
        Assert.True(resumed.IsResumed);
        Assert.Equal("{\"seed\":2}", resumed.ReadConfig());
        using (var log = resumed.OpenMetrics()) log.Write("epoch", ("epoch", 1));
        Assert.Equal(2, MetricsLog.ReadAll(resumed.MetricsPath).Count);
    }

    [Fact]
    public void AtomicWritesReplaceContentAndLeaveNoTemporaries()
    {
        using var dir = new TempFolder();
        var run = RunFolder.Create(dir["run"], "{}");
        run.WriteText("best-architecture.txt", "0 1 2");
        run.WriteText("best-architecture.txt", "3 4");
        run.WriteBytes("checkpoints/epoch-1.bin", [1, 2, 3]);
        Assert.Equal("3 4", File.ReadAllText(run.BestArchitectureTextPath));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(run.File("checkpoints/epoch-1.bin")));
        Assert.Empty(Directory.EnumerateFiles(run.Path, "*.tmp", SearchOption.AllDirectories));
    }
}
