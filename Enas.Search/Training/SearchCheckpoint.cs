using System.Text.Json;
using Enas.Engine;
using Enas.Engine.Serialization;
using Enas.Search.Controller;
using Enas.Search.Sharing;

namespace Enas.Search.Training;

/// <summary>
/// Saves and restores everything a search needs to continue exactly: shared weights, controller weights, both
/// optimisers' states, the baseline, the schedule position (epochs and steps done), the three random generators'
/// states and the metrics length. Written atomically and checksummed by <see cref="Checkpoint"/>; verified on load
/// (every tensor must exist with the right size).
/// </summary>
internal static class SearchCheckpoint
{
    public static void Save(string path, SearchState state, WeightBank bank, IController controller, ChildSgd sgd, HostAdam? adam)
    {
        var entries = new List<CheckpointEntry>();
        for (int i = 0; i < bank.Parameters.Count; i++) entries.Add(Entry($"bank.{i}", bank.Parameters[i]));
        for (int i = 0; i < controller.Parameters.Count; i++) entries.Add(Entry($"controller.{i}", controller.Parameters[i]));
        entries.AddRange(sgd.StateEntries());
        if (adam is not null)
            foreach (var (name, data) in adam.State()) entries.Add(new CheckpointEntry("adam." + name, [data.Length], data));
        Checkpoint.Write(path, JsonSerializer.Serialize(state, SearchJsonContext.Default.SearchState), entries);
    }

    public static SearchState Load(string path, WeightBank bank, IController controller, ChildSgd sgd, HostAdam? adam)
    {
        var (meta, entries) = Checkpoint.Read(path);
        var state = JsonSerializer.Deserialize(meta, SearchJsonContext.Default.SearchState)
                    ?? throw new InvalidDataException($"checkpoint '{path}' has no search state");
        Restore(entries, "bank", bank.Parameters, path);
        Restore(entries, "controller", controller.Parameters, path);
        sgd.LoadStateEntries(entries);
        foreach (var (name, e) in entries)
            if (name.StartsWith("adam.", StringComparison.Ordinal))
                (adam ?? throw new InvalidDataException($"checkpoint '{path}' has controller optimiser state but the controller does not learn"))
                    .LoadState(name[5..], e.Data);
        sgd.StepCount = state.ChildSteps;
        if (adam is not null) adam.StepCount = state.ControllerSteps;
        return state;
    }

    /// <summary>A parameter as a checkpoint entry.</summary>
    internal static CheckpointEntry Entry(string name, Parameter p) => new(name, p.Shape.ToArray(), p.ToFloatArray());

    /// <summary>Loads "prefix.i" entries into the parameters, checking names, counts and sizes.</summary>
    internal static void Restore(IReadOnlyDictionary<string, CheckpointEntry> entries, string prefix,
        IReadOnlyList<Parameter> parameters, string path)
    {
        for (int i = 0; i < parameters.Count; i++)
        {
            if (!entries.TryGetValue($"{prefix}.{i}", out var e))
                throw new InvalidDataException($"checkpoint '{path}' lacks {prefix} tensor {i} ({parameters[i].Name}); was it written by another configuration?");
            if (e.Data.Length != parameters[i].ElementCount)
                throw new InvalidDataException($"checkpoint '{path}': {prefix} tensor {i} ({parameters[i].Name}) has {e.Data.Length} values, expected {parameters[i].ElementCount}");
            parameters[i].Load<float>(e.Data);
        }
        if (entries.ContainsKey($"{prefix}.{parameters.Count}"))
            throw new InvalidDataException($"checkpoint '{path}' has more {prefix} tensors than this configuration");
    }
}
