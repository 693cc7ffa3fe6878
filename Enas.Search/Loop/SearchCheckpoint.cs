using System.Text.Json;
using Enas.Engine.Serialization;
using Enas.Search.Controller;
using Enas.Search.Tasks;
using Enas.Search.Training;

namespace Enas.Search.Loop;

/// <summary>
/// The one search checkpoint format, for every task: the task's shared weights, the controller's weights, the task's
/// optimiser state, the controller's Adam state, and the scalar <see cref="SearchState"/> (epochs and steps done, the
/// baseline, the random generators' states, the metrics length, the configuration and the task's own fields). Written
/// atomically and checksummed by <see cref="Checkpoint"/>; every tensor is checked on load. Format version
/// <see cref="SearchState.CurrentVersion"/>: the layout of the CNN and recurrent checkpoints written before the two
/// searches shared one loop, which therefore resume as they are.
/// </summary>
internal static class SearchCheckpoint
{
    public static void Save(string path, SearchState state, ITaskCheckpoint task, IController controller, HostAdam? adam)
    {
        var entries = new List<CheckpointEntry>(task.Weights());
        entries.AddRange(ParameterEntries.Of("controller", controller.Parameters));
        entries.AddRange(task.OptimiserState());
        if (adam is not null)
            foreach (var (name, data) in adam.State()) entries.Add(new CheckpointEntry("adam." + name, [data.Length], data));
        Checkpoint.Write(path, JsonSerializer.Serialize(state, SearchJsonContext.Default.SearchState), entries);
    }

    /// <summary>Reads <paramref name="path"/>, refuses an unknown format version or a state <paramref name="refusal"/>
    /// names (before any tensor is compared or restored), then restores every tensor.</summary>
    public static SearchState Load(string path, ITaskCheckpoint task, IController controller, HostAdam? adam,
        Func<SearchState, string?> refusal)
    {
        var (meta, entries) = Checkpoint.Read(path);
        var state = JsonSerializer.Deserialize(meta, SearchJsonContext.Default.SearchState)
                    ?? throw new InvalidDataException($"checkpoint '{path}' has no search state");
        if (state.Version != SearchState.CurrentVersion)
            throw new InvalidDataException($"cannot resume from '{path}': its search checkpoint format is version {state.Version}, and " +
                                           $"this build reads version {SearchState.CurrentVersion}; continue it with the build that wrote it, " +
                                           "or start a new run with another --out");
        if (refusal(state) is { } why) throw new InvalidDataException(why);
        task.Restore(state, entries, path);
        ParameterEntries.Restore(entries, "controller", controller.Parameters, path);
        foreach (var (name, e) in entries)
            if (name.StartsWith("adam.", StringComparison.Ordinal))
                (adam ?? throw new InvalidDataException($"checkpoint '{path}' has controller optimiser state but the controller does not learn"))
                    .LoadState(name[5..], e.Data);
        if (adam is not null) adam.StepCount = state.ControllerSteps;
        return state;
    }
}
