using Enas.Examples;
using Enas.Search.Api;
using Enas.Search.Data;
using Enas.Search.Reporting;
using Enas.Search.Training;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Search;

/// <summary>
/// The library API (<see cref="EnasSearchRunner"/>): the compiled example (<see cref="SearchFromCode"/>, public API only)
/// searches, reports progress and retrains; a search cancelled after its first epoch resumes to the result of an
/// uninterrupted one; a bad setting is refused by name before anything is written.
/// </summary>
public sealed class LibraryApiTests
{
    /// <summary>A search of a few seconds on synthetic 8x8 images (written as Fashion-MNIST idx files).</summary>
    private static SearchOptions Tiny(string data) => Presets.Get("cpu") with
    {
        DataDir = data, Nodes = 2, Layers = 1, Channels = 4, Epochs = 3, BatchSize = 16, TrainSubset = 48, ValidationSize = 32,
        ControllerSteps = 2, ControllerAggregate = 2, DeriveSamples = 2, Seed = 3, Device = "cpu",
        Retrain = new RetrainOptions { Epochs = 1, Channels = 4, Layers = 1, BatchSize = 16 },
    };

    private static string SyntheticData(TempFolder dir)
    {
        string data = dir["data"];
        SyntheticImages.WriteFashionMnist(data, SyntheticImages.GenerateTrainTest(120, 48, classes: 4, height: 8, width: 8, seed: 5));
        return data;
    }

    /// <summary>Records every report on the search's thread, in order.</summary>
    private sealed class Recorder(Action<SearchProgress>? then = null) : IProgress<SearchProgress>
    {
        public List<SearchProgress> Reports { get; } = [];

        public void Report(SearchProgress value)
        {
            Reports.Add(value);
            then?.Invoke(value);
        }
    }

    [Fact]
    public async Task TheCompiledExampleSearchesReportsProgressAndRetrains()
    {
        using var dir = new TempFolder();
        var options = Tiny(SyntheticData(dir));
        var progress = new Recorder();
        var (result, model) = await SearchFromCode.SearchAndRetrainAsync(options, dir["run"], progress);

        var started = Assert.IsType<SearchStarted>(progress.Reports[0]);
        Assert.Equal((0, 3, "cpu"), (started.EpochsDone, started.Epochs, started.Device));
        var epochs = progress.Reports.OfType<EpochCompleted>().ToList();
        Assert.Equal([1, 2, 3], epochs.Select(e => e.Epoch));
        Assert.All(epochs, e => Assert.True(e.TrainLoss > 0 && e.SharedWeightTrainAccuracy is >= 0 and <= 1 && e.Controller is not null));
        var steps = progress.Reports.OfType<StepProgress>().ToList();
        foreach (var phase in Enum.GetValues<SearchPhase>())
        {
            Assert.Contains(steps, s => s.Phase == phase && s.Step == 0);
            Assert.Contains(steps, s => s.Phase == phase && s.Step == s.Total);
        }
        Assert.IsType<StepProgress>(progress.Reports[^1]); // the last derive step; the result comes back, not as a report

        Assert.Equal("micro", result.Best.SpaceName);
        Assert.Equal(result.Best, EnasSearchRunner.LoadArchitecture(result.BestArchitectureFile));
        var json = System.Text.Json.JsonSerializer.Serialize(result.Best);
        Assert.Equal(result.Best, System.Text.Json.JsonSerializer.Deserialize<Enas.Search.Spaces.Architecture>(json));
        Assert.InRange(result.SharedWeightAccuracy, 0, 1);
        Assert.NotNull(result.PolicyVsUniform);
        Assert.Equal(Path.GetFullPath(dir["run"]), result.RunFolder);
        foreach (var file in new[] { "config.json", "metrics.jsonl", "best-architecture.json", "summary.json", "report.html", "checkpoints/last.ckpt" })
            Assert.Contains(file, result.Files);
        Assert.Contains(" train --arch ", result.RetrainCommand);

        Assert.True(File.Exists(model.ModelPath), model.ModelPath);
        Assert.Equal(1, model.Epochs);
        Assert.InRange(model.TestAccuracy, 0, 1);
    }

    [Fact]
    public async Task ACancelledSearchKeepsItsCheckpointAndResumesToTheUninterruptedResult()
    {
        using var dir = new TempFolder();
        var options = Tiny(SyntheticData(dir));
        var whole = EnasSearchRunner.Run(new SearchRequest { Options = options, RunFolder = dir["whole"] });

        using var cancel = new CancellationTokenSource();
        var progress = new Recorder(p => { if (p is EpochCompleted) cancel.Cancel(); });
        var request = new SearchRequest { Options = options, RunFolder = dir["cut"] };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => EnasSearchRunner.RunAsync(request, progress, cancel.Token));
        // Stopped at the first step boundary after epoch 1: its checkpoint is there, nothing is half-written, no result yet.
        Assert.Single(progress.Reports.OfType<EpochCompleted>());
        Assert.DoesNotContain(progress.Reports, p => p is StepProgress { Epoch: 2 });
        Assert.True(File.Exists(Path.Combine(dir["cut"], "checkpoints", "last.ckpt")));
        Assert.Empty(Directory.EnumerateFiles(dir["cut"], "*.tmp", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(dir["cut"], RunFolder.BestArchitectureJsonFile)));

        var resumed = EnasSearchRunner.Run(new SearchRequest
        {
            Options = EnasSearchRunner.ReadOptions(dir["cut"]), RunFolder = dir["cut"], Resume = true,
        });
        Assert.Equal(whole.Best, resumed.Best);
        Assert.Equal(whole.SharedWeightAccuracy, resumed.SharedWeightAccuracy);
        Assert.Equal(whole.PolicyVsUniform, resumed.PolicyVsUniform);
        Assert.Equal(Numbers(whole.RunFolder), Numbers(resumed.RunFolder));
    }

    /// <summary>metrics.jsonl without its timings.</summary>
    private static List<string> Numbers(string folder) =>
        [.. MetricsLog.ReadAll(Path.Combine(folder, RunFolder.MetricsFile)).Select(r =>
        {
            r.Remove("seconds");
            return r.ToJsonString();
        })];

    [Fact]
    public void ABadSettingIsRefusedByNameBeforeAnythingIsWritten()
    {
        using var dir = new TempFolder();
        var request = new SearchRequest { Options = Tiny(dir["no-data"]) with { Nodes = 0 }, RunFolder = dir["run"] };
        var e = Assert.Throws<SearchOptionsException>(() => EnasSearchRunner.Run(request));
        Assert.Equal(nameof(SearchOptions.Nodes), e.Option);
        Assert.Equal("--cells must be 1..16, got 0", e.Message);
        Assert.False(Directory.Exists(dir["run"]));

        var rnn = Assert.Throws<SearchOptionsException>(() => EnasSearchRunner.Run(request with { Options = new SearchOptions { Space = "rnn" } }));
        Assert.Equal(nameof(SearchOptions.Space), rnn.Option);
        Assert.Contains("command line", rnn.Message);
    }
}
