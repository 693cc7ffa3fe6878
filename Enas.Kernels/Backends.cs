using System.Collections.Concurrent;
using Enas.Kernels.Cpu;

namespace Enas.Kernels;

/// <summary>
/// Process-wide registry of backends by (kind, ordinal). The CPU backend always exists; GPU backends are created
/// lazily by a factory that the GPU layer installs, so the CPU path never touches ILGPU.
/// </summary>
public static class Backends
{
    private static readonly ConcurrentDictionary<(DeviceKind Kind, int Ordinal), IBackend> s_backends = new();
    private static readonly ConcurrentDictionary<DeviceKind, Func<int, IBackend>> s_factories = new();

    /// <summary>The managed CPU backend.</summary>
    public static IBackend Cpu => CpuBackend.Instance;

    /// <summary>Installs the factory that creates backends of <paramref name="kind"/> on first use.</summary>
    public static void RegisterFactory(DeviceKind kind, Func<int, IBackend> factory) => s_factories[kind] = factory;

    /// <summary>Registers an existing backend instance (tests use this for ILGPU's CPU accelerator).</summary>
    public static void Register(DeviceKind kind, int ordinal, IBackend backend) => s_backends[(kind, ordinal)] = backend;

    /// <summary>The backend for a device; throws <see cref="InvalidOperationException"/> when it cannot exist.</summary>
    public static IBackend Get(DeviceKind kind, int ordinal = 0)
    {
        if (kind == DeviceKind.Cpu) return CpuBackend.Instance;
        if (s_backends.TryGetValue((kind, ordinal), out var backend)) return backend;
        if (!s_factories.TryGetValue(kind, out var factory))
            throw new InvalidOperationException(
                $"no {kind} backend is available in this process (is the GPU layer initialised?)");
        return s_backends.GetOrAdd((kind, ordinal), _ => factory(ordinal));
    }
}
