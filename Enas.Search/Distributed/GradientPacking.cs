using Enas.Engine;

namespace Enas.Search.Distributed;

/// <summary>
/// The one flat float32 buffer a data-parallel step all-reduces: the gradients of a child's parameters, in the child's
/// parameter order, each [ElementCount] weighted by its shard's share of the batch, then one presence count per
/// parameter (how many shards gave it a gradient). After the sum, a parameter with a count gets the summed gradient
/// and one without keeps none, exactly as one process that trained the whole batch would leave them (the optimiser
/// steps only parameters with a gradient).
/// </summary>
public static class GradientPacking
{
    /// <summary>Floats in the buffer of <paramref name="parameters"/>: their elements plus one count each.</summary>
    public static int Length(IReadOnlyList<Parameter> parameters) =>
        checked((int)parameters.Sum(p => p.ElementCount) + parameters.Count);

    /// <summary>Adds <paramref name="weight"/> × each gradient of <paramref name="parameters"/> into
    /// <paramref name="buffer"/> (of <see cref="Length"/> floats) and counts it; parameters without one add nothing.</summary>
    /// <param name="parameters">The layout (the same list, in the same order, on every rank).</param>
    /// <param name="weight">The shard's share of the global batch.</param>
    /// <param name="buffer">The flat buffer.</param>
    /// <param name="scratch">Room for the largest gradient (grown when too small).</param>
    public static void Add(IReadOnlyList<Parameter> parameters, float weight, Span<float> buffer, ref float[] scratch)
    {
        CheckLength(parameters, buffer.Length);
        int offset = 0, flags = buffer.Length - parameters.Count;
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            int n = (int)p.ElementCount;
            if (p.Grad is { } g)
            {
                if (scratch.Length < n) scratch = new float[n];
                var values = scratch.AsSpan(0, n);
                g.CopyTo(values);
                var into = buffer.Slice(offset, n);
                for (int k = 0; k < n; k++) into[k] += weight * values[k];
                buffer[flags + i] += 1;
            }
            offset += n;
        }
    }

    /// <summary>Gives each parameter of <paramref name="parameters"/> whose count in the summed
    /// <paramref name="buffer"/> is positive its summed gradient, and drops the gradient of the others.</summary>
    public static void Apply(IReadOnlyList<Parameter> parameters, ReadOnlySpan<float> buffer)
    {
        CheckLength(parameters, buffer.Length);
        int offset = 0, flags = buffer.Length - parameters.Count;
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            int n = (int)p.ElementCount;
            if (buffer[flags + i] > 0) p.LoadGrad(buffer.Slice(offset, n));
            else p.ZeroGrad();
            offset += n;
        }
    }

    private static void CheckLength(IReadOnlyList<Parameter> parameters, int length)
    {
        if (length != Length(parameters))
            throw new ArgumentException($"a gradient buffer of {length} floats does not fit {parameters.Count} parameters " +
                                        $"({Length(parameters)} floats)");
    }
}
