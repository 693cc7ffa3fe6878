using Enas.Engine;
using Enas.Search.Data;
using Enas.Search.Loop;
using Enas.Search.Reporting;
using Enas.Search.Tasks;
using Enas.Search.Training;

namespace Enas.Search.Cli;

/// <summary>Binds each task's options to the one search loop.</summary>
internal static class SearchLoops
{
    /// <summary>The loop settings of a CNN search: <see cref="SearchOptions.ControllerSteps"/> updates of
    /// <see cref="SearchOptions.ControllerAggregate"/> samples each.</summary>
    public static LoopOptions Of(SearchOptions o) => new()
    {
        Epochs = o.Epochs, Controller = o.Controller, FixedArchitecture = o.FixedArchitecture, ControllerSettings = o.ControllerSettings,
        ControllerSamples = o.ControllerSteps * o.ControllerAggregate, ControllerAggregate = o.ControllerAggregate,
        WarmupEpochs = o.ControllerWarmupEpochs, DeriveSamples = o.DeriveSamples,
    };

    /// <summary>The loop settings of a recurrent search: <see cref="RnnSearchOptions.ControllerSteps"/> samples, an update
    /// after every <see cref="RnnSearchOptions.ControllerAggregate"/> of them.</summary>
    public static LoopOptions Of(RnnSearchOptions o) => new()
    {
        Epochs = o.Epochs, Controller = o.Controller, ControllerSettings = o.ControllerSettings,
        ControllerSamples = o.ControllerSteps, ControllerAggregate = o.ControllerAggregate, DeriveSamples = o.DeriveSamples,
    };

    /// <summary>A CNN search over <paramref name="data"/> writing into <paramref name="folder"/> (the caller disposes both).</summary>
    public static (ImageClassificationTask Task, EnasSearch Search) Image(SearchOptions o, DataSplits data, Device device, RunFolder folder,
        ProgressReporter progress)
    {
        var task = new ImageClassificationTask(o, data, device);
        try { return (task, new EnasSearch(task, Of(o), folder, progress)); }
        catch { task.Dispose(); throw; }
    }

    /// <summary>A recurrent search over <paramref name="corpus"/> writing into <paramref name="folder"/> (the caller disposes both).</summary>
    public static (LanguageModelTask Task, EnasSearch Search) Language(RnnSearchOptions o, WordCorpus corpus, Device device,
        RunFolder folder, ProgressReporter progress)
    {
        var task = new LanguageModelTask(o, corpus, device);
        try { return (task, new EnasSearch(task, Of(o), folder, progress)); }
        catch { task.Dispose(); throw; }
    }
}
