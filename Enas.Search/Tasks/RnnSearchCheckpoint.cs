using System.Text.Json;
using Enas.Engine;
using Enas.Engine.Serialization;
using Enas.Search.Controller;
using Enas.Search.Training;

namespace Enas.Search.Tasks;

/// <summary>
/// Checkpoint of a recurrent search, with the CNN search's guarantees: all language-model and controller weights,
/// the controller's Adam state, the REINFORCE baseline, epochs and steps done, the three random generators' states,
/// the metrics length and the configuration (resume refuses another one). Written atomically and checksummed by
/// <see cref="Checkpoint"/>; every tensor is checked on load. (Child SGD has no momentum here, so no state.)
/// </summary>
internal static class RnnSearchCheckpoint
{
    public static void Save(string path, SearchState state, IReadOnlyList<Parameter> model, IController controller,
        HostAdam? adam)
    {
        var entries = new List<CheckpointEntry>();
        for (int i = 0; i < model.Count; i++) entries.Add(SearchCheckpoint.Entry($"lm.{i}", model[i]));
        for (int i = 0; i < controller.Parameters.Count; i++) entries.Add(SearchCheckpoint.Entry($"controller.{i}", controller.Parameters[i]));
        if (adam is not null)
            foreach (var (name, data) in adam.State()) entries.Add(new CheckpointEntry("adam." + name, [data.Length], data));
        Checkpoint.Write(path, JsonSerializer.Serialize(state, SearchJsonContext.Default.SearchState), entries);
    }

    /// <summary>Reads <paramref name="path"/>, lets <paramref name="checkState"/> refuse its state (a configuration
    /// check, before any tensor is compared or restored), then restores every tensor.</summary>
    public static SearchState Load(string path, IReadOnlyList<Parameter> model, IController controller, HostAdam? adam,
        Action<SearchState>? checkState = null)
    {
        var (meta, entries) = Checkpoint.Read(path);
        var state = JsonSerializer.Deserialize(meta, SearchJsonContext.Default.SearchState)
                    ?? throw new InvalidDataException($"checkpoint '{path}' has no search state");
        checkState?.Invoke(state);
        SearchCheckpoint.Restore(entries, "lm", model, path);
        SearchCheckpoint.Restore(entries, "controller", controller.Parameters, path);
        foreach (var (name, e) in entries)
            if (name.StartsWith("adam.", StringComparison.Ordinal))
                (adam ?? throw new InvalidDataException($"checkpoint '{path}' has controller optimiser state but the controller does not learn"))
                    .LoadState(name[5..], e.Data);
        if (adam is not null) adam.StepCount = state.ControllerSteps;
        return state;
    }
}
