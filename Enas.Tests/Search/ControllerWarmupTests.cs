using Enas.Search.Cli;
using Enas.Search.Data;
using Enas.Search.Reporting;
using Enas.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Enas.Tests.Search;

/// <summary><c>--controller-warmup E</c>: the first E epochs train the shared weights on uniform children only.</summary>
public sealed class ControllerWarmupTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();


    private string[] Tiny(string outDir, int epochs, params string[] more)
    {
        var data = Path.Combine(_dir.Path, "data");
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
        var run = Path.Combine(_dir.Path, "warm");
        var (code, stdout, _) = CliRun.Run(output, Tiny(run, 3, "--controller-warmup", "2"));
        Assert.Equal(0, code);
        Assert.Contains("controller not trained yet (warm-up 2/2)", stdout);
        var records = MetricsLog.ReadAll(Path.Combine(run, "metrics.jsonl"));
        Assert.Equal(new[] { "epoch", "epoch", "epoch", "controller", "derive", "policy_vs_uniform" },
            records.Select(r => (string?)r["kind"]).ToArray());
        Assert.Equal(3, (int)records.Single(r => (string?)r["kind"] == "controller")["epoch"]!);
        Assert.Contains("\"controllerWarmupEpochs\": 2", File.ReadAllText(Path.Combine(run, "config.json")));

        // Off by default: not written, so configs from before the option resume unchanged.
        var plain = Path.Combine(_dir.Path, "plain");
        Assert.Equal(0, CliRun.Run(output, Tiny(plain, 1)).Code);
        Assert.DoesNotContain("controllerWarmupEpochs", File.ReadAllText(Path.Combine(plain, "config.json")));
    }

    [Theory]
    [InlineData("3", "leaves no epoch of 3")]
    [InlineData("-1", "--controller-warmup must be >= 0")]
    public void WarmupThatLeavesNoControllerEpochIsRefused(string warmup, string message)
    {
        var run = Path.Combine(_dir.Path, "bad");
        var (code, _, err) = CliRun.Run(output, Tiny(run, 3, "--controller-warmup", warmup));
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains(message, err);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void WarmupNeedsTheLearningController()
    {
        var (code, _, err) = CliRun.Run(output, Tiny(Path.Combine(_dir.Path, "random"), 3, "--controller", "random", "--controller-warmup", "1"));
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("needs --controller enas", err);
    }
}
