using System.Diagnostics.Tracing;
using Enas.Kernels;
using Enas.Kernels.Diagnostics;

namespace Enas.Tests.Gpu;

public sealed class KernelEventTests
{
    private sealed class Listener : EventListener
    {
        public readonly List<(int Id, string Payload)> Events = [];

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Enas-Kernels") EnableEvents(source, EventLevel.Informational);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            lock (Events) Events.Add((e.EventId, string.Join("|", e.Payload ?? [])));
        }
    }

    [Fact]
    public void ScopeIsSilentWithoutListenerAndReportsWithOne()
    {
        var d = new Conv2DDescriptor(1, 3, 7, 7, 5, 3, 3, 1, 1);
        using (KernelEvents.Scope("Silent", d)) { }
        using var listener = new Listener();
        using (KernelEvents.Scope("Conv2DForward", d, "unit-test")) { }
        using (KernelEvents.Sync("Download", "unit-test")) { }
        // Other test classes run kernels in parallel and the listener sees their events too: read one snapshot under the lock.
        List<(int Id, string Payload)> all;
        lock (listener.Events) all = [.. listener.Events];
        var events = all.Where(e => e.Payload.Contains("unit-test") || e.Payload.Contains("Conv2DForward")).ToList();
        Assert.Contains(events, e => e.Id == 1 && e.Payload.StartsWith("Conv2DForward|") && e.Payload.Contains("K = 5"));
        Assert.Contains(events, e => e.Id == 3 && e.Payload.StartsWith("Conv2DForward|"));
        Assert.Contains(events, e => e.Id == 2 && e.Payload.StartsWith("Download|unit-test"));
        Assert.DoesNotContain(all, e => e.Payload.StartsWith("Silent"));
    }
}
