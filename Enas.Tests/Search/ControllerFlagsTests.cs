using Enas.Search.Cli;
using Enas.Search.Data;
using Enas.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Enas.Tests.Search;

/// <summary>--controller-tanh and --controller-op-tanh-reduce reach the controller settings and are checked.</summary>
public sealed class ControllerFlagsTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();


    private string[] Tiny(string run, params string[] more)
    {
        var data = Path.Combine(_dir.Path, "data");
        if (!Directory.Exists(data))
            SyntheticImages.WriteFashionMnist(data, SyntheticImages.GenerateTrainTest(64, 32, classes: 4, height: 8, width: 8, seed: 5), gzip: true);
        return
        [
            "--data", data, "--cells", "2", "--layers", "1", "--channels", "4", "--epochs", "1", "--batch-size", "16",
            "--train-subset", "32", "--validation-size", "32", "--controller-steps", "1", "--controller-aggregate", "2",
            "--derive-samples", "2", "--derive-batches", "1", "--out", run, .. more,
        ];
    }

    [Fact]
    public void TanhFlagsAreStoredAndAResumeWithOthersIsRefused()
    {
        var run = Path.Combine(_dir.Path, "run");
        var (code, _, err) = CliRun.Run(output, Tiny(run, "--controller-tanh", "2", "--controller-op-tanh-reduce", "1"));
        Assert.True(code == 0, err);
        string config = File.ReadAllText(Path.Combine(run, "config.json"));
        Assert.Contains("\"tanhConstant\": 2", config);
        Assert.Contains("\"opTanhReduce\": 1", config);
        (code, _, err) = CliRun.Run(output, "--resume", "--out", run, "--controller-op-tanh-reduce", "2.5");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--controller-op-tanh-reduce: checkpoint 1, now 2.5", err);
    }

    [Theory]
    [InlineData("--controller-tanh", "0")]
    [InlineData("--controller-op-tanh-reduce", "-1")]
    public void NonPositiveValuesAreRefused(string flag, string value)
    {
        var run = Path.Combine(_dir.Path, "bad");
        var (code, _, err) = CliRun.Run(output, Tiny(run, flag, value));
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--controller-tanh and --controller-op-tanh-reduce must be positive", err);
        Assert.False(Directory.Exists(run));
    }
}
