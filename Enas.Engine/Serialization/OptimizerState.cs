using Enas.Engine.Optim;

namespace Enas.Engine.Serialization;

/// <summary>
/// Converts an optimiser's state (its <see cref="Optimizer.StateTensors"/> plus the step count, entry
/// prefix + "step_count") to checkpoint entries and back. State is keyed by parameter index, so the optimiser being
/// restored must be built over the same parameters in the same order.
/// </summary>
public static class OptimizerState
{
    /// <summary>Name (after the prefix) of the step-count entry.</summary>
    public const string StepCountName = "step_count";

    /// <summary>State tensors and the step count as float32 entries.</summary>
    public static IEnumerable<CheckpointEntry> ToEntries(Optimizer optimizer, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (optimizer.StepCount > 1 << 24)
            throw new InvalidOperationException(
                $"step count {optimizer.StepCount} is not exactly representable in a float32 checkpoint entry");
        yield return new CheckpointEntry(prefix + StepCountName, [], [optimizer.StepCount]);
        foreach (var (name, t) in optimizer.StateTensors()) yield return ModuleState.ToEntry(prefix + name, t);
    }

    /// <summary>
    /// Restores the step count and every state entry under <paramref name="prefix"/>. Throws
    /// <see cref="InvalidDataException"/> when the step count is missing or an entry does not fit the optimiser.
    /// </summary>
    public static void Load(Optimizer optimizer, IReadOnlyDictionary<string, CheckpointEntry> entries,
        string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(entries);
        if (!entries.TryGetValue(prefix + StepCountName, out var steps) || steps.Data.Length != 1)
            throw new InvalidDataException($"optimizer state: missing scalar '{prefix}{StepCountName}'");
        foreach (var (key, e) in entries)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal) || key == prefix + StepCountName) continue;
            try
            {
                optimizer.LoadState(key[prefix.Length..], e.Data);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"optimizer state: entry '{key}' {e.ShapeText}: {ex.Message}", ex);
            }
        }
        optimizer.StepCount = (long)steps.Data[0];
    }
}
