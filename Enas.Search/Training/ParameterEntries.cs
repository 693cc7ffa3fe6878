using Enas.Engine;
using Enas.Engine.Serialization;

namespace Enas.Search.Training;

/// <summary>Parameter lists as named checkpoint entries ("prefix.0", "prefix.1", …) and back, every tensor checked.</summary>
public static class ParameterEntries
{
    /// <summary>The parameters as entries "prefix.i", in order.</summary>
    public static IEnumerable<CheckpointEntry> Of(string prefix, IReadOnlyList<Parameter> parameters) =>
        parameters.Select((p, i) => new CheckpointEntry($"{prefix}.{i}", p.Shape.ToArray(), p.ToFloatArray()));

    /// <summary>Loads "prefix.i" entries into the parameters, checking names, counts and sizes.</summary>
    public static void Restore(IReadOnlyDictionary<string, CheckpointEntry> entries, string prefix,
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
