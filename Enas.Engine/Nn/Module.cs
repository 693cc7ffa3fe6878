namespace Enas.Engine.Nn;

/// <summary>
/// A network building block with named parameters and child modules, registered explicitly (no reflection).
/// Disposing a module disposes its parameters and children. Subclasses add a Forward method of their own shape.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<(string Name, Parameter Parameter)> _parameters = new();
    private readonly List<(string Name, Module Module)> _modules = new();
    private readonly List<(string Name, Tensor Buffer)> _buffers = new();
    private bool _disposed;

    /// <summary>True in training mode (batch statistics, dropout on).</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Registers a parameter under <paramref name="name"/> and returns it.</summary>
    protected Parameter RegisterParameter(string name, Parameter parameter)
    {
        _parameters.Add((name, parameter));
        return parameter;
    }

    /// <summary>
    /// Registers persistent state that is not trained (e.g. batch-norm running statistics) under
    /// <paramref name="name"/>: checkpoints save it, optimisers never see it, and the module disposes it. The tensor
    /// must be caller-owned (created with persistent: true or outside any scope).
    /// </summary>
    protected Tensor RegisterBuffer(string name, Tensor buffer)
    {
        if (buffer.Scope is not null)
            throw new ArgumentException($"buffer '{name}' belongs to a TensorScope; create it with persistent: true");
        _buffers.Add((name, buffer));
        return buffer;
    }

    /// <summary>Registers a child module under <paramref name="name"/> and returns it.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        _modules.Add((name, module));
        return module;
    }

    /// <summary>Every parameter of this module and its children, depth first, with dotted names.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters(string prefix = "")
    {
        foreach (var (name, p) in _parameters) yield return (prefix + name, p);
        foreach (var (name, m) in _modules)
            foreach (var item in m.NamedParameters(prefix + name + "."))
                yield return item;
    }

    /// <summary>Every buffer of this module and its children, depth first, with dotted names.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "")
    {
        foreach (var (name, b) in _buffers) yield return (prefix + name, b);
        foreach (var (name, m) in _modules)
            foreach (var item in m.NamedBuffers(prefix + name + "."))
                yield return item;
    }

    /// <summary>Every parameter.</summary>
    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(x => x.Parameter);

    /// <summary>Number of scalar parameters.</summary>
    public long ParameterCount() => Parameters().Sum(p => p.ElementCount);

    /// <summary>Switches this module and its children to training mode.</summary>
    public void Train() => SetMode(true);

    /// <summary>Switches this module and its children to inference mode.</summary>
    public void Eval() => SetMode(false);

    private void SetMode(bool training)
    {
        IsTraining = training;
        foreach (var (_, m) in _modules) m.SetMode(training);
    }

    /// <summary>Drops every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    /// <summary>Disposes parameters and children.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var (_, p) in _parameters) { p.ZeroGrad(); p.Dispose(); }
        foreach (var (_, b) in _buffers) b.Dispose();
        foreach (var (_, m) in _modules) m.Dispose();
        GC.SuppressFinalize(this);
    }
}
