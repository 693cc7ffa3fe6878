using System.Text;
using Enas.Search.Reporting;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Reporting;

public sealed class MetricsLogTests
{
    [Fact]
    public void WritesOneObjectPerLineWithKindFirst()
    {
        using var dir = new TempFolder();
        using (var log = MetricsLog.Open(dir["metrics.jsonl"]))
        {
            log.Write("epoch", ("epoch", 1), ("loss", 1.25), ("accuracy", 0.5f), ("arc", new[] { 0, 3, 1 }),
                ("note", "a \"quoted\" word"), ("lr", double.NaN), ("missing", null));
            log.Write("controller", ("reward", 0.75), ("ok", true));
            // flushed per line: readable before dispose
            Assert.Equal(2, MetricsLog.ReadAll(dir["metrics.jsonl"]).Count);
        }
        var lines = File.ReadAllLines(dir["metrics.jsonl"]);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("{\"kind\":\"epoch\",\"epoch\":1,\"loss\":1.25,", lines[0]);
        var rows = MetricsLog.ReadAll(dir["metrics.jsonl"]);
        Assert.Equal("a \"quoted\" word", (string?)rows[0]["note"]);
        Assert.Equal("NaN", (string?)rows[0]["lr"]);
        Assert.Equal(3, rows[0]["arc"]!.AsArray().Count);
        Assert.Null(rows[0]["missing"]);
        Assert.Equal("controller", (string?)rows[1]["kind"]);
        Assert.True((bool)rows[1]["ok"]!);
    }

    [Fact]
    public void ResumeDropsATornLastLineAndContinues()
    {
        using var dir = new TempFolder();
        string path = dir["metrics.jsonl"];
        using (var log = MetricsLog.Open(path))
        {
            log.Write("epoch", ("epoch", 0));
            log.Write("epoch", ("epoch", 1));
        }
        const string torn = "{\"kind\":\"epoch\",\"epo";
        File.AppendAllText(path, torn, Encoding.UTF8); // crash mid-line

        using (var log = MetricsLog.Open(path, resume: true))
        {
            Assert.Equal(torn.Length, log.TruncatedBytes);
            log.Write("epoch", ("epoch", 2));
        }

        var rows = MetricsLog.ReadAll(path);
        Assert.Equal([0, 1, 2], rows.Select(r => (int)r["epoch"]!));
        Assert.EndsWith("\n", File.ReadAllText(path));
    }

    [Fact]
    public void ResumeWithoutTornLineKeepsEverything()
    {
        using var dir = new TempFolder();
        string path = dir["m.jsonl"];
        using (var log = MetricsLog.Open(path)) log.Write("epoch", ("epoch", 0));
        using (var log = MetricsLog.Open(path, resume: true))
        {
            Assert.Equal(0, log.TruncatedBytes);
            log.Write("epoch", ("epoch", 1));
        }
        Assert.Equal(2, MetricsLog.ReadAll(path).Count);
    }

    [Fact]
    public void ResumeOfAFileWithOnlyATornLineStartsEmpty()
    {
        using var dir = new TempFolder();
        string path = dir["m.jsonl"];
        File.WriteAllText(path, "{\"kind\":");
        using (var log = MetricsLog.Open(path, resume: true)) log.Write("epoch", ("epoch", 5));
        Assert.Equal("{\"kind\":\"epoch\",\"epoch\":5}\n", File.ReadAllText(path));
    }

    [Fact]
    public void OpeningWithoutResumeStartsAfresh()
    {
        using var dir = new TempFolder();
        string path = dir["m.jsonl"];
        File.WriteAllText(path, "{\"kind\":\"old\"}\n");
        using (var log = MetricsLog.Open(path)) log.Write("new");
        Assert.Equal("{\"kind\":\"new\"}\n", File.ReadAllText(path));
    }

    [Fact]
    public void TruncateToCutsALongerFileAndLeavesShorterOrMissingOnes()
    {
        using var dir = new TempFolder();
        string path = dir["metrics.jsonl"];
        File.WriteAllText(path, "{\"kind\":\"a\"}\n{\"kind\":\"b\"}\n");
        MetricsLog.TruncateTo(path, 13);
        Assert.Equal("{\"kind\":\"a\"}\n", File.ReadAllText(path));
        MetricsLog.TruncateTo(path, 100);
        Assert.Equal(13, new FileInfo(path).Length);
        MetricsLog.TruncateTo(dir["missing.jsonl"], 0);
        Assert.False(File.Exists(dir["missing.jsonl"]));
    }
}
