using System.CommandLine;
using Enas.Search.Cli;
using Enas.Search.Controller;
using Enas.Search.Training;

namespace Enas.Tests.Search;

/// <summary>
/// The cpu preset (the CLI default) carries the controller measured to learn on 2 cores and the 2-hour retrain, while
/// the property defaults stay what configs written before them hold; flags that do not fit the preset's controller
/// fall back to the paper's instead of failing.
/// </summary>
public sealed class CpuPresetTests
{
    private static SearchOptions Bind(params string[] args)
    {
        var options = new SearchCliOptions();
        var root = new RootCommand();
        foreach (var option in options.All()) root.Options.Add(option);
        var parsed = root.Parse(args);
        Assert.Empty(parsed.Errors);
        return options.Bind(parsed);
    }

    [Fact]
    public void DefaultSearchUsesThePairedControllerAndTheLongerRetrain()
    {
        var o = Bind();
        Assert.True(o.ControllerSettings.PairedReward);
        Assert.Equal(4, o.RewardBatches);
        Assert.Equal(20, o.ControllerSteps);
        Assert.Equal(1e-8, o.ControllerSettings.AdamEpsilon);
        Assert.Equal(14, o.Retrain.Epochs);
        Assert.Equal(0.9, o.Retrain.DropPathKeep);
        // A config.json without these fields (written before the preset changed) reads as the property defaults.
        var old = new SearchOptions();
        Assert.False(old.ControllerSettings.PairedReward);
        Assert.Null(old.RewardBatches);
        Assert.Equal(10, old.ControllerSteps);
        Assert.Equal(1e-3, old.ControllerSettings.AdamEpsilon);
        Assert.Equal(8, old.Retrain.Epochs);
    }

    [Fact]
    public void OneSamplePerStepFallsBackToThePapersReward()
    {
        var o = Bind("--controller-aggregate", "1");
        Assert.False(o.ControllerSettings.PairedReward); // paired needs 2+ samples to compare; not an error the user did not ask for
        Assert.True(Bind("--controller-aggregate", "3").ControllerSettings.PairedReward);
        Assert.False(Bind("--controller-reward", "paper").ControllerSettings.PairedReward);
        var e = Assert.Throws<CliException>(() => Bind("--controller-aggregate", "1", "--controller-reward", "paired"));
        Assert.Contains("--controller-aggregate 2 or more", e.Message);
    }

    [Fact]
    public void MacroSearchKeepsThePapersController()
    {
        var o = Bind("--space", "macro");
        Assert.Equal(ControllerOptions.ForMacro(), o.ControllerSettings);
        Assert.Null(o.RewardBatches);
        Assert.Equal(new SearchOptions().ControllerSteps, o.ControllerSteps);
        var given = Bind("--space", "macro", "--controller-steps", "7", "--reward-batches", "2", "--controller-reward", "paired");
        Assert.Equal((7, 2, true), (given.ControllerSteps, given.RewardBatches, given.ControllerSettings.PairedReward));
    }
}
