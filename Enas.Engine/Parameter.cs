using Enas.Kernels;

namespace Enas.Engine;

/// <summary>
/// A trainable leaf tensor: always requires a gradient, has a name, and never belongs to a scope (its owner, a
/// module or weight bank, disposes it). Optimisers update <see cref="Tensor.Buffer"/> in place.
/// </summary>
public sealed class Parameter : Tensor
{
    private Parameter(Storage storage, Shape shape, string name) : base(storage, shape, persistent: true)
    {
        Name = name;
        RequiresGrad = true;
    }

    /// <summary>Dotted name, e.g. "cells.0.node2.sep3x3.depthwise".</summary>
    public string Name { get; internal set; }

    /// <summary>Creates a parameter holding <paramref name="values"/>.</summary>
    public static Parameter Create<T>(string name, Shape shape, ReadOnlySpan<T> values, Device? device = null)
        where T : unmanaged
    {
        if (values.Length != shape.ElementCount)
            throw new ShapeMismatchException("Parameter",
                $"{values.Length} initial values for '{name}' do not fill shape {shape}");
        var backend = (device ?? Device.Cpu).Backend;
        var p = new Parameter(new Storage(backend.Allocate(DTypeExtensions.Of<T>(), shape.ElementCount)), shape, name);
        backend.Upload(values, p.Buffer);
        return p;
    }

    /// <summary>Creates a parameter filled with a constant.</summary>
    public static Parameter Full(string name, Shape shape, double value, DType dtype = DType.Float32,
        Device? device = null)
    {
        var backend = (device ?? Device.Cpu).Backend;
        var p = new Parameter(new Storage(backend.Allocate(dtype, shape.ElementCount)), shape, name);
        backend.Fill(p.Buffer, 0, p.ElementCount, value);
        return p;
    }

    /// <summary>Drops the accumulated gradient (the optimiser will skip this parameter until a new one arrives).</summary>
    public void ZeroGrad()
    {
        Grad?.Dispose();
        Grad = null;
    }

    /// <summary>Sets the gradient to the host values <paramref name="values"/> [ElementCount] of this parameter's element
    /// type, creating it when there is none: what a data-parallel step writes back after summing the processes'
    /// gradients (the optimiser then steps this parameter as if the gradient had come from backward).</summary>
    public void LoadGrad<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        if (values.Length != ElementCount || DTypeExtensions.Of<T>() != DType)
            throw new ShapeMismatchException("Parameter.LoadGrad",
                $"{values.Length} {DTypeExtensions.Of<T>()} values do not fit the gradient of '{Name}' ({DType} {Shape})");
        Grad ??= EmptyLike(this, persistent: true);
        Backend.Upload(values, Grad.Buffer);
    }

    /// <summary>Overwrites the values from the host.</summary>
    public void Load<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        if (values.Length != ElementCount)
            throw new ShapeMismatchException("Parameter.Load",
                $"{values.Length} values for '{Name}' do not fill shape {Shape}");
        Backend.Upload(values, Buffer);
    }

    /// <inheritdoc />
    public override string ToString() => $"Parameter '{Name}' {base.ToString()}";
}
