using System.Diagnostics.Tracing;

namespace Enas.Tests.Gpu;

/// <summary>
/// Listens to the Enas-Kernels event source and counts, per device name (an IBackend's ShortName), the kernel
/// launches and the host waits (Synchronize events: downloads and explicit syncs). Events of every thread arrive, so
/// use it only in <see cref="Infrastructure.LeakCheckCollection"/> tests (which run alone) and count one device.
/// </summary>
internal sealed class DeviceEventCounter : EventListener
{
    private readonly List<(int Id, string Reason, string Device)> _events = [];

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Enas-Kernels") EnableEvents(source, EventLevel.Informational);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.Payload is not { Count: >= 2 } p) return;
        // KernelLaunch(name, shape, device) is event 1; Synchronize(reason, device, us) is event 2
        string? device = e.EventId switch { 1 when p.Count >= 3 => p[2] as string, 2 => p[1] as string, _ => null };
        if (device is null) return;
        lock (_events) _events.Add((e.EventId, p[0] as string ?? "", device));
    }

    /// <summary>Host waits on <paramref name="device"/> so far, with their reasons.</summary>
    public List<string> Syncs(string device)
    {
        lock (_events) return [.. _events.Where(e => e.Id == 2 && e.Device == device).Select(e => e.Reason)];
    }

    /// <summary>Kernel launches on <paramref name="device"/> so far.</summary>
    public int Launches(string device)
    {
        lock (_events) return _events.Count(e => e.Id == 1 && e.Device == device);
    }

    /// <summary>Forgets what was counted.</summary>
    public void Clear()
    {
        lock (_events) _events.Clear();
    }
}
