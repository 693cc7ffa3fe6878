using Enas.Kernels;

namespace Enas.Engine;

/// <summary>Where a tensor lives: a kind and an ordinal, resolved to a shared backend instance.</summary>
public readonly record struct Device(DeviceKind Kind, int Ordinal = 0)
{
    /// <summary>The managed CPU backend.</summary>
    public static Device Cpu => new(DeviceKind.Cpu);

    /// <summary>CUDA device <paramref name="ordinal"/>.</summary>
    public static Device Cuda(int ordinal = 0) => new(DeviceKind.Cuda, ordinal);

    /// <summary>The backend that executes kernels for this device.</summary>
    public IBackend Backend => Backends.Get(Kind, Ordinal);

    /// <summary>The device of a backend (cuda:1's tensors say cuda:1, so what is made "like" them lands there too).</summary>
    public static Device Of(IBackend backend) => new(backend.Kind, backend.Ordinal);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        DeviceKind.Cpu => "cpu",
        DeviceKind.Cuda => $"cuda:{Ordinal}",
        _ => $"ilgpu-cpu:{Ordinal}",
    };
}
