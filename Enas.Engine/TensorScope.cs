namespace Enas.Engine;

/// <summary>
/// Owns every tensor created on this thread while it is the innermost scope, and disposes them all at the end, so
/// memory does not grow across training steps. <see cref="Autodiff.Tape"/> opens one; use
/// <see cref="Begin"/> for no-grad work (evaluation, sampling). Tensors that must outlive the scope are moved out
/// with <see cref="Tensor.Persist"/> (or are parameters, which never belong to a scope).
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic]
    private static TensorScope? t_current;

    private readonly List<Tensor> _owned = new();
    private readonly TensorScope? _outer;
    private bool _disposed;

    private TensorScope()
    {
        _outer = t_current;
        t_current = this;
    }

    /// <summary>The innermost scope on this thread, or null.</summary>
    internal static TensorScope? Current => t_current;

    /// <summary>Number of tensors this scope will dispose.</summary>
    public int OwnedCount => _owned.Count;

    /// <summary>Opens a scope that becomes the current one until disposed.</summary>
    public static TensorScope Begin() => new();

    internal void Adopt(Tensor tensor) => _owned.Add(tensor);

    /// <summary>Disposes every tensor created inside the scope that was not persisted.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (t_current != this)
            throw new InvalidOperationException("TensorScope disposed out of order: dispose inner scopes first");
        t_current = _outer;
        foreach (var t in _owned)
            if (ReferenceEquals(t.Scope, this)) t.Dispose();
        _owned.Clear();
    }
}
