using System.Diagnostics.Tracing;

namespace Enas.Kernels.Diagnostics;

/// <summary>
/// The "Enas-Kernels" event source: one event per kernel launch (name and shape text), one per synchronisation
/// point, and the elapsed time of kernel scopes. Collect it with
/// <c>dotnet-trace collect --providers Enas-Kernels -- dotnet Enas.Search.dll ...</c>. Every write is guarded by
/// <see cref="EventSource.IsEnabled()"/>, so with no listener the cost is one volatile read.
/// </summary>
[EventSource(Name = "Enas-Kernels")]
public sealed class KernelEventSource : EventSource
{
    /// <summary>The process-wide instance.</summary>
    public static readonly KernelEventSource Log = new();

    private KernelEventSource()
    {
    }

    /// <summary>A kernel was launched (on a GPU: enqueued; the work runs later).</summary>
    /// <param name="name">Kernel family, e.g. "Conv2DForward".</param>
    /// <param name="shape">Descriptor text, e.g. the Conv2DDescriptor's ToString().</param>
    /// <param name="device">Backend name, e.g. "cuda:0".</param>
    [Event(1, Level = EventLevel.Informational, Message = "{2} launch {0} {1}")]
    public void KernelLaunch(string name, string shape, string device) => WriteEvent(1, name, shape, device);

    /// <summary>The host waited for the device.</summary>
    /// <param name="reason">Why: "Download", "SquaredNorm", "Synchronize".</param>
    /// <param name="device">Backend name.</param>
    /// <param name="elapsedMicroseconds">Time spent waiting.</param>
    [Event(2, Level = EventLevel.Informational, Message = "{1} sync {0}: {2} us")]
    public void Synchronize(string reason, string device, double elapsedMicroseconds) =>
        WriteEvent(2, reason, device, elapsedMicroseconds);

    /// <summary>A kernel scope ended (host time from start to end; on a GPU that is the enqueue time).</summary>
    /// <param name="name">Kernel family.</param>
    /// <param name="shape">Descriptor text.</param>
    /// <param name="elapsedMicroseconds">Host time inside the scope.</param>
    [Event(3, Level = EventLevel.Informational, Message = "{0} {1}: {2} us")]
    public void KernelElapsed(string name, string shape, double elapsedMicroseconds) =>
        WriteEvent(3, name, shape, elapsedMicroseconds);
}
