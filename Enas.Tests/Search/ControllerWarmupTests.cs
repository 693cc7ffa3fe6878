using Enas.Search.Cli;
using Enas.Search.Data;
using Enas.Search.Reporting;
using Xunit.Abstractions;

namespace Enas.Tests.Search;

/// <summary><c>--controller-warmup E</c>: the first E epochs train the shared weights on uniform children only.</summary>
public sealed class ControllerWarmupTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("enas-warmup-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private (int Code, string Out, string Err) Cli(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliApp.Run(args, o, e, live: false);
        output.WriteLine($"$ enas {string.Join(' ', args)}\n{o}{e}exit {code}");
        return (code, o.ToString(), e.ToString());
    }

    private string[] Tiny(string outDir, int epochs, params string[] more)
    {
        var data = Path.Combine(_root, "data");
        if (!Directory.Exists(data))
            SyntheticImages.WriteFashionMnist(data, SyntheticImages.GenerateTrainTest(120, 48, classes: 4, height: 8, width: 8, seed: 5), gzip: true);
        return
        [
            "--data", data, "--cells", "2", "--layers", "1", "--channels", "4", "--epochs", $"{epochs}", "--batch-size", "16",
            "--train-subset", "48", "--validation-size", "32", "--controller-steps", "2", "--controller-aggregate", "2",
            "--derive-samples", "4", "--derive-batches", "1", "--seed", "3", "--out", outDir, .. more,
        ];
    }

    [Fact]
    public void WarmupEpochsSkipTheControllerAndAreRecorded()
    {
        var run = Path.Combine(_root, "warm");
        var (code, stdout, _) = Cli(Tiny(run, 3, "--controller-warmup", "2"));
        Assert.Equal(0, code);
        Assert.Contains("controller not trained yet (warm-up 2/2)", stdout);
        var records = MetricsLog.ReadAll(Path.Combine(run, "metrics.jsonl"));
        Assert.Equal(new[] { "epoch", "epoch", "epoch", "controller", "derive", "policy_vs_uniform" },
            records.Select(r => (string?)r["kind"]).ToArray());
        Assert.Equal(3, (int)records.Single(r => (string?)r["kind"] == "controller")["epoch"]!);
        Assert.Contains("\"controllerWarmupEpochs\": 2", File.ReadAllText(Path.Combine(run, "config.json")));

        // Off by default: not written, so configs from before the option resume unchanged.
        var plain = Path.Combine(_root, "plain");
        Assert.Equal(0, Cli(Tiny(plain, 1)).Code);
        Assert.DoesNotContain("controllerWarmupEpochs", File.ReadAllText(Path.Combine(plain, "config.json")));
    }

    [Theory]
    [InlineData("3", "leaves no epoch of 3")]
    [InlineData("-1", "--controller-warmup must be >= 0")]
    public void WarmupThatLeavesNoControllerEpochIsRefused(string warmup, string message)
    {
        var run = Path.Combine(_root, "bad");
        var (code, _, err) = Cli(Tiny(run, 3, "--controller-warmup", warmup));
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains(message, err);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void WarmupNeedsTheLearningController()
    {
        var (code, _, err) = Cli(Tiny(Path.Combine(_root, "random"), 3, "--controller", "random", "--controller-warmup", "1"));
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("needs --controller enas", err);
    }
}
