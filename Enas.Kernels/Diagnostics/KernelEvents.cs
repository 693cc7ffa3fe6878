using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;

namespace Enas.Kernels.Diagnostics;

/// <summary>
/// Cheap instrumentation helpers over <see cref="KernelEventSource"/>. Usage in a backend:
/// <c>using var _ = KernelEvents.Scope("Conv2DForward", descriptor);</c>. When nobody listens the scope is a
/// default struct and the descriptor is never formatted: the cost is one <see cref="EventSource.IsEnabled()"/> check.
/// </summary>
public static class KernelEvents
{
    /// <summary>Activity source for coarse spans (training steps, epochs); listen with dotnet-trace or OpenTelemetry.</summary>
    public static readonly ActivitySource Activities = new("Enas.Training");

    /// <summary>True when a listener has enabled the "Enas-Kernels" source.</summary>
    public static bool Enabled => KernelEventSource.Log.IsEnabled();

    /// <summary>
    /// Starts a kernel scope: writes a launch event now and an elapsed-time event when disposed. The shape text is
    /// <paramref name="descriptor"/>.ToString(), computed only when a listener is enabled.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static KernelScope Scope<TDescriptor>(string name, in TDescriptor descriptor, string device = "cpu")
        where TDescriptor : struct =>
        KernelEventSource.Log.IsEnabled() ? Start(name, descriptor.ToString() ?? string.Empty, device) : default;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static KernelScope Start(string name, string shape, string device)
    {
        KernelEventSource.Log.KernelLaunch(name, shape, device);
        return new KernelScope(name, shape, Stopwatch.GetTimestamp());
    }

    /// <summary>A kernel scope with a plain element count as its shape text.</summary>
    public static KernelScope Scope(string name, long count, string device = "cpu") =>
        Scope(name, new ElementCount(count), device);

    /// <summary>Starts timing a synchronisation point; dispose the result after the wait.</summary>
    public static SyncScope Sync(string reason, string device)
    {
        if (!KernelEventSource.Log.IsEnabled()) return default;
        return new SyncScope(reason, device, Stopwatch.GetTimestamp());
    }

    /// <summary>Shape text for elementwise kernels.</summary>
    private readonly record struct ElementCount(long Count)
    {
        public override string ToString() => $"[{Count}]";
    }
}

/// <summary>An open kernel scope (a default value does nothing).</summary>
public readonly struct KernelScope : IDisposable
{
    private readonly string? _name;
    private readonly string? _shape;
    private readonly long _start;

    internal KernelScope(string name, string shape, long start)
    {
        _name = name;
        _shape = shape;
        _start = start;
    }

    /// <summary>Writes the elapsed-time event.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Dispose()
    {
        if (_name is null) return;
        double us = Stopwatch.GetElapsedTime(_start).TotalMicroseconds;
        KernelEventSource.Log.KernelElapsed(_name, _shape ?? string.Empty, us);
    }
}

/// <summary>An open synchronisation scope (a default value does nothing).</summary>
public readonly struct SyncScope : IDisposable
{
    private readonly string? _reason;
    private readonly string? _device;
    private readonly long _start;

    internal SyncScope(string reason, string device, long start)
    {
        _reason = reason;
        _device = device;
        _start = start;
    }

    /// <summary>Writes the synchronisation event with the time waited.</summary>
    public void Dispose()
    {
        if (_reason is null) return;
        double us = Stopwatch.GetElapsedTime(_start).TotalMicroseconds;
        KernelEventSource.Log.Synchronize(_reason, _device ?? string.Empty, us);
    }
}
