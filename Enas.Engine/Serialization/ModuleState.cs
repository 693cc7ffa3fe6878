using Enas.Engine.Nn;
using Enas.Kernels;

namespace Enas.Engine.Serialization;

/// <summary>
/// Converts a module's parameters and buffers (batch-norm running statistics) to checkpoint entries named
/// prefix + dotted name, and back. Checkpoints hold float32: float64 tensors (gradient-check models) are narrowed on
/// save and widened on load. Use distinct prefixes ("model/", "optim/") when one file holds several groups, since
/// a strict load treats every entry under its prefix as belonging to the module.
/// </summary>
public static class ModuleState
{
    /// <summary>Every parameter, then every buffer, as float32 entries (downloads from the device).</summary>
    public static IEnumerable<CheckpointEntry> ToEntries(Module module, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(module);
        foreach (var (name, p) in module.NamedParameters()) yield return ToEntry(prefix + name, p);
        foreach (var (name, b) in module.NamedBuffers()) yield return ToEntry(prefix + name, b);
    }

    /// <summary>A tensor as an entry.</summary>
    public static CheckpointEntry ToEntry(string name, Tensor tensor) =>
        new(name, tensor.Shape.ToArray(), tensor.ToFloatArray());

    /// <summary>
    /// Loads every parameter and buffer of <paramref name="module"/> from the entries named prefix + dotted name.
    /// Everything is checked before anything is written: a missing name or a shape mismatch throws
    /// <see cref="InvalidDataException"/> listing every problem, and with <paramref name="strict"/> so does an entry
    /// under <paramref name="prefix"/> that the module does not have.
    /// </summary>
    public static void Load(Module module, IReadOnlyDictionary<string, CheckpointEntry> entries, string prefix = "",
        bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(entries);
        var targets = new List<(string Name, Tensor Tensor)>();
        foreach (var (name, p) in module.NamedParameters(prefix)) targets.Add((name, p));
        foreach (var (name, b) in module.NamedBuffers(prefix)) targets.Add((name, b));

        var problems = new List<string>();
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, t) in targets)
        {
            wanted.Add(name);
            if (!entries.TryGetValue(name, out var e)) problems.Add($"missing '{name}' {t.Shape}");
            else if (new Shape(e.Shape) != t.Shape)
                problems.Add($"'{name}' has shape {e.ShapeText} in the checkpoint but {t.Shape} in the model");
        }
        if (strict)
            foreach (var key in entries.Keys)
                if (key.StartsWith(prefix, StringComparison.Ordinal) && !wanted.Contains(key))
                    problems.Add($"unexpected entry '{key}' (not in the model)");
        if (problems.Count > 0)
            throw new InvalidDataException(
                $"cannot load module state (prefix '{prefix}'): {problems.Count} problem(s):\n  " +
                string.Join("\n  ", problems));

        foreach (var (name, t) in targets) Upload(t, entries[name].Data);
    }

    /// <summary>Copies float values into a tensor of any float dtype (float64 tensors are widened).</summary>
    internal static void Upload(Tensor tensor, float[] values)
    {
        if (tensor.DType == DType.Float64)
            tensor.Backend.Upload<double>(Array.ConvertAll(values, v => (double)v), tensor.Buffer);
        else
            tensor.Backend.Upload<float>(values, tensor.Buffer);
    }
}
