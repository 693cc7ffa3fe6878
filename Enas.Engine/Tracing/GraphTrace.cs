using Enas.Engine.Autodiff;

namespace Enas.Engine.Tracing;

/// <summary>
/// Records the dataflow graph of a forward pass by running it once on a tape: the input is marked as needing a
/// gradient, so every op on its path is recorded with its operands (<see cref="Op.Describe"/>), and whatever else an
/// op reads is a constant whose value is read while the pass's tensors are alive. The graph is the pass itself, not a
/// description written beside it, so an exporter cannot drift from the network it exports.
/// </summary>
public static class GraphTrace
{
    [ThreadStatic] private static int t_recording;

    /// <summary>True on this thread while <see cref="Record"/> runs: fused ops then record their unfused parts.</summary>
    internal static bool IsRecording => t_recording > 0;

    /// <summary>Runs <paramref name="forward"/> on <paramref name="input"/> (not modified) and returns its graph.</summary>
    /// <exception cref="NotSupportedException">An op whose result the pass uses cannot describe itself, or the
    /// result does not depend on the input.</exception>
    public static TracedGraph Record(Tensor input, Func<Tensor, Tensor> forward)
    {
        t_recording++;
        try
        {
            return RecordCore(input, forward);
        }
        finally
        {
            t_recording--;
        }
    }

    private static TracedGraph RecordCore(Tensor input, Func<Tensor, Tensor> forward)
    {
        using var tape = Tape.Record();
        var x = input.Detach();
        x.RequiresGrad = true;
        var y = forward(x);
        var ids = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        var shapes = new Dictionary<int, Shape>();
        int Id(Tensor t)
        {
            if (!ids.TryGetValue(t, out int id))
            {
                id = ids.Count;
                ids.Add(t, id);
                shapes.Add(id, t.Shape);
            }
            return id;
        }
        int inputId = Id(x);
        var dynamic = new HashSet<Tensor>(ReferenceEqualityComparer.Instance) { x };
        var opaque = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        var constants = new Dictionary<int, TracedConstant>();
        var nodes = new List<TracedNode>();
        foreach (var (op, output) in tape.Entries)
        {
            if (op.Describe() is not var (description, operands))
            {
                opaque[output] = op.Name; // an error only if something reads it (below)
                continue;
            }
            foreach (var t in operands)
                if (opaque.TryGetValue(t, out string? name)) // it may or may not depend on the input: cannot tell
                    throw new NotSupportedException($"the traced pass uses the result of op {name}, which cannot be traced");
            if (!operands.Any(dynamic.Contains)) continue; // input-independent: read as a constant where used
            foreach (var t in operands)
            {
                if (!dynamic.Contains(t) && !constants.ContainsKey(Id(t)))
                    constants.Add(Id(t), new TracedConstant(t.Shape, t.ToFloatArray(), (t as Parameter)?.Name));
            }
            dynamic.Add(output);
            nodes.Add(new TracedNode(description, [.. operands.Select(Id)], Id(output)));
        }
        if (opaque.TryGetValue(y, out string? last))
            throw new NotSupportedException($"the traced pass returns the result of op {last}, which cannot be traced");
        if (!dynamic.Contains(y))
            throw new NotSupportedException("the traced pass returns a value that does not depend on its input");
        return new TracedGraph(inputId, Id(y), nodes, constants, shapes);
    }
}
