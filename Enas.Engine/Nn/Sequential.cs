namespace Enas.Engine.Nn;

/// <summary>
/// Layers applied in order. Module layers are registered under their index ("0", "1", ...), so parameters are named
/// "0.weight", "2.bias" and so on; function layers (activations) hold no parameters.
/// </summary>
public sealed class Sequential : Module, IForward
{
    private readonly List<Func<Tensor, Tensor>> _steps = new();

    /// <summary>Creates an empty sequence; add layers with <see cref="Add(IForward)"/>.</summary>
    public Sequential()
    {
    }

    /// <summary>Number of layers.</summary>
    public int Count => _steps.Count;

    /// <summary>Appends a layer; a <see cref="Module"/> is registered (and disposed with this one).</summary>
    public Sequential Add(IForward layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer is Module m) RegisterModule(_steps.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), m);
        _steps.Add(layer.Forward);
        return this;
    }

    /// <summary>Appends a parameter-free function such as <c>t =&gt; t.Relu()</c>.</summary>
    public Sequential Add(Func<Tensor, Tensor> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        _steps.Add(function);
        return this;
    }

    /// <summary>Applies every layer in order.</summary>
    public Tensor Forward(Tensor x)
    {
        foreach (var step in _steps) x = step(x);
        return x;
    }
}
