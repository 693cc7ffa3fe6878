namespace Enas.Engine.Autodiff;

/// <summary>
/// Records ops in execution order and runs their backward rules in reverse (no topological sort needed). A tape is
/// also a <see cref="TensorScope"/>: disposing it frees every intermediate of the step.
/// <code>
/// using var tape = Tape.Record();
/// var loss = model.Forward(x).CrossEntropy(labels);
/// tape.Backward(loss);
/// optimizer.Step();
/// </code>
/// </summary>
public sealed class Tape : IDisposable
{
    [ThreadStatic]
    private static Tape? t_current;

    [ThreadStatic]
    private static int t_noGradDepth;

    private readonly List<(Op Op, Tensor Output)> _entries = new();
    private readonly Tape? _outer;
    private readonly TensorScope _scope;
    private bool _disposed;

    private Tape()
    {
        _outer = t_current;
        t_current = this;
        _scope = TensorScope.Begin();
    }

    /// <summary>The tape ops record on, or null (none open, or inside <see cref="NoGrad"/>).</summary>
    public static Tape? Current => t_noGradDepth > 0 ? null : t_current;

    /// <summary>Number of recorded ops.</summary>
    public int Count => _entries.Count;

    /// <summary>The recorded ops and their outputs, in execution order (read by <see cref="Tracing.GraphTrace"/>).</summary>
    internal IReadOnlyList<(Op Op, Tensor Output)> Entries => _entries;

    /// <summary>Starts recording; dispose to stop and free the step's tensors.</summary>
    public static Tape Record() => new();

    /// <summary>Suspends recording (and gradient tracking) on this thread until disposed.</summary>
    public static NoGradScope NoGrad()
    {
        t_noGradDepth++;
        return new NoGradScope();
    }

    internal static void EndNoGrad() => t_noGradDepth--;

    /// <summary>
    /// Records <paramref name="op"/> as producing <paramref name="output"/> when recording is on and any input needs
    /// a gradient. Ops call this after computing their output.
    /// </summary>
    public static void RecordIfNeeded(Op op, Tensor output, params ReadOnlySpan<Tensor> inputs)
    {
        var tape = Current;
        if (tape is null) return;
        bool any = false;
        foreach (var t in inputs) any |= t.RequiresGrad;
        if (!any) return;
        output.RequiresGrad = true;
        output.IsTapeOutput = true;
        tape._entries.Add((op, output));
    }

    /// <summary>Whether an op with these inputs would be recorded (lets ops skip saving state).</summary>
    public static bool WillRecord(params ReadOnlySpan<Tensor> inputs)
    {
        if (Current is null) return false;
        foreach (var t in inputs)
            if (t.RequiresGrad) return true;
        return false;
    }

    /// <summary>
    /// Back-propagates from <paramref name="output"/> with upstream gradient <paramref name="seed"/> (ones when
    /// null), accumulating into the parameters' <see cref="Tensor.Grad"/>.
    /// </summary>
    public void Backward(Tensor output, Tensor? seed = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!output.RequiresGrad)
            throw new InvalidOperationException(
                "Backward: the output does not depend on any parameter (was it computed under NoGrad or on another tape?)");
        if (seed is not null && seed.Shape != output.Shape)
            throw new ShapeMismatchException("Backward", $"seed shape {seed.Shape} does not match output {output.Shape}");
        var sink = new GradientSink();
        sink.Seed(output, seed ?? Tensor.Full(output.Shape, 1.0, output.DType, output.Device));
        if (!output.IsTapeOutput)
        {
            sink.Accumulate(output, seed ?? Tensor.Full(output.Shape, 1.0, output.DType, output.Device));
            return;
        }
        using (NoGrad())
        {
            for (int i = _entries.Count - 1; i >= 0; i--)
            {
                var (op, produced) = _entries[i];
                var grad = sink.Take(produced);
                if (grad is null) continue;
                op.Backward(grad, sink);
            }
        }
    }

    /// <summary>Stops recording and disposes every tensor created while this tape was open.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _entries.Clear();
        _scope.Dispose();
        t_current = _outer;
    }
}

/// <summary>Restores gradient recording when disposed.</summary>
public readonly struct NoGradScope : IDisposable
{
    /// <summary>Ends the no-grad region.</summary>
    public void Dispose() => Tape.EndNoGrad();
}
