using System.Diagnostics.Tracing;
using Enas.Kernels;
using Enas.Kernels.Diagnostics;
using Enas.Kernels.Gpu;

namespace Enas.Tests.Gpu;

public sealed class DeviceSelectionTests
{
    private static readonly string[] OneGpu = ["NVIDIA H100 80GB HBM3, sm_90"];

    [Fact]
    public void CpuNeverTouchesCuda()
    {
        var choice = DeviceSelection.Resolve("cpu", () => throw new InvalidOperationException("must not probe"));
        Assert.Equal(DeviceKind.Cpu, choice.Kind);
        Assert.Contains("CPU", choice.Reason);
    }

    [Fact]
    public void AutoPicksCudaZeroWhenPresentAndCpuOtherwise()
    {
        var gpu = DeviceSelection.Resolve("auto", () => OneGpu);
        Assert.Equal((DeviceKind.Cuda, 0), (gpu.Kind, gpu.Ordinal));
        Assert.Contains("H100", gpu.Reason);
        var cpu = DeviceSelection.Resolve("AUTO", () => []);
        Assert.Equal(DeviceKind.Cpu, cpu.Kind);
        Assert.Contains("0 CUDA devices", cpu.Reason);
    }

    [Fact]
    public void ExplicitCudaWithoutDeviceIsAClearErrorNotAFallback()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => DeviceSelection.Resolve("cuda", () => []));
        Assert.Equal("no CUDA device found: ILGPU saw 0 CUDA devices; use --device cpu", ex.Message);
        var missing = Assert.Throws<InvalidOperationException>(() => DeviceSelection.Resolve("cuda:1", () => OneGpu));
        Assert.Contains("cuda:0..cuda:0", missing.Message);
        var ok = DeviceSelection.Resolve("cuda:0", () => OneGpu);
        Assert.Equal((DeviceKind.Cuda, 0), (ok.Kind, ok.Ordinal));
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    [InlineData("ilgpu-cpu")]
    public void BadSpecsAreRejected(string spec) =>
        Assert.Throws<ArgumentException>(() => DeviceSelection.Resolve(spec, () => OneGpu));

    [Fact]
    public void RealProbeOnThisMachineIsConsistent()
    {
        // Without a GPU (CI) auto resolves to the CPU and "cuda" throws; with one, both pick cuda:0.
        var auto = DeviceSelection.Resolve("auto");
        if (GpuRuntime.CudaDeviceCount == 0)
        {
            Assert.Equal(DeviceKind.Cpu, auto.Kind);
            Assert.Throws<InvalidOperationException>(() => DeviceSelection.Resolve("cuda"));
            Assert.Throws<InvalidOperationException>(() => Backends.Get(DeviceKind.Cuda));
        }
        else
        {
            Assert.Equal(DeviceKind.Cuda, auto.Kind);
        }
    }
}

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
