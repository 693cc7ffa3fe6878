using System.CommandLine;
using Enas.Search.Cli;
using Enas.Search.Reporting;
using Enas.Search.Training;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Search;

/// <summary>The <c>train</c> command a search prints must retrain with the search's retrain settings.</summary>
public sealed class RetrainCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> PresetNames() => [.. Presets.Names];

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void PrintedCommandBindsToTheRunsRetrainSettings(string preset)
    {
        var o = Presets.Get(preset);
        Assert.Equal(ExpectedRetrain(o), BindPrintedCommand(o).Retrain);
    }

    [Fact]
    public void RetrainFlagsOfTheSearchReachTheCommand()
    {
        var o = Presets.Get("paper-macro");
        o = o with { Retrain = o.Retrain with { Epochs = 3, Channels = 12, Network = "search" } };
        var bound = BindPrintedCommand(o);
        Assert.Equal(ExpectedRetrain(o), bound.Retrain);
        Assert.Equal("search", bound.Retrain.Network);
    }

    [Fact]
    public void DefaultCommandStaysShort()
    {
        string cmd = SearchAction.RetrainCommand(Presets.Get("cpu"), Folder());
        Assert.DoesNotContain("--preset", cmd);
        Assert.DoesNotContain("--network", cmd);
        Assert.DoesNotContain("--batch-size", cmd);
        Assert.DoesNotContain("--drop-path-keep", cmd);
    }

    [Fact]
    public void RunWrittenBeforeTheCpuRetrainChangedPrintsItsOwnDropPath()
    {
        // The property defaults are what a config.json written before the cpu preset's 2-hour retrain holds (8 epochs,
        // drop-path keep 0.6): the command must retrain that, not the preset's 0.9.
        var o = new SearchOptions();
        Assert.NotEqual(Presets.Get("cpu").Retrain.DropPathKeep, o.Retrain.DropPathKeep);
        Assert.Contains("--drop-path-keep 0.6", SearchAction.RetrainCommand(o, Folder()));
        Assert.Equal(ExpectedRetrain(o), BindPrintedCommand(o).Retrain);
    }

    /// <summary>What <c>train</c> should run with: the run's retrain block, widths resolved as the command prints them.</summary>
    private static RetrainOptions ExpectedRetrain(SearchOptions o) => o.Retrain with
    {
        Channels = o.Retrain.Channels > 0 ? o.Retrain.Channels : o.Channels,
        Layers = o.Space == "micro" && o.Retrain.Layers <= 0 ? o.Layers : o.Retrain.Layers,
    };

    private SearchOptions BindPrintedCommand(SearchOptions o)
    {
        string cmd = SearchAction.RetrainCommand(o, Folder());
        string[] args = cmd[(cmd.IndexOf(" train ", StringComparison.Ordinal) + " train ".Length)..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var options = new TrainCliOptions();
        var train = new Command("train") { new Option<string>("--arch") };
        foreach (var option in options.All()) train.Options.Add(option);
        var parsed = train.Parse(args);
        Assert.Empty(parsed.Errors);
        return options.Bind(parsed);
    }

    private RunFolder Folder() => RunFolder.Create(Path.Combine(_dir.Path, Guid.NewGuid().ToString("N")), "{}");
}
