using Enas.Kernels;
using Enas.Kernels.Gpu;
using Enas.Search.Cli;

namespace Enas.Tests.Search;

public sealed class DeviceSelectionTests
{
    private static readonly string[] OneGpu = ["NVIDIA H100 80GB HBM3, sm_90"];

    [Fact]
    public void CpuNeverTouchesCuda()
    {
        var choice = DeviceSelection.Choose("cpu", () => throw new InvalidOperationException("must not probe"));
        Assert.Equal(DeviceKind.Cpu, choice.Kind);
        Assert.Contains("CPU", choice.Reason);
    }

    [Fact]
    public void AutoPicksCudaZeroWhenPresentAndCpuOtherwise()
    {
        var gpu = DeviceSelection.Choose("auto", () => OneGpu);
        Assert.Equal((DeviceKind.Cuda, 0), (gpu.Kind, gpu.Ordinal));
        Assert.Contains("H100", gpu.Reason);
        var cpu = DeviceSelection.Choose("AUTO", () => []);
        Assert.Equal(DeviceKind.Cpu, cpu.Kind);
        Assert.Contains("0 CUDA devices", cpu.Reason);
    }

    [Fact]
    public void ExplicitCudaWithoutDeviceIsAClearErrorNotAFallback()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => DeviceSelection.Choose("cuda", () => []));
        Assert.Equal("no CUDA device found: ILGPU saw 0 CUDA devices; use --device cpu", ex.Message);
        var missing = Assert.Throws<InvalidOperationException>(() => DeviceSelection.Choose("cuda:1", () => OneGpu));
        Assert.Contains("cuda:0..cuda:0", missing.Message);
        var ok = DeviceSelection.Choose("cuda:0", () => OneGpu);
        Assert.Equal((DeviceKind.Cuda, 0), (ok.Kind, ok.Ordinal));
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    [InlineData("ilgpu-cpu")]
    public void BadSpecsAreRejected(string spec) =>
        Assert.Throws<ArgumentException>(() => DeviceSelection.Choose(spec, () => OneGpu));

    [Fact]
    public void RealProbeOnThisMachineIsConsistent()
    {
        // Without a GPU (CI) auto resolves to the CPU and "cuda" throws; with one, both pick cuda:0.
        var auto = DeviceSelection.Choose("auto", GpuRuntime.DiscoverCudaDevices);
        if (GpuRuntime.CudaDeviceCount == 0)
        {
            Assert.Equal(DeviceKind.Cpu, auto.Kind);
            Assert.Throws<InvalidOperationException>(() => DeviceSelection.Choose("cuda", GpuRuntime.DiscoverCudaDevices));
            Assert.Throws<InvalidOperationException>(() => Backends.Get(DeviceKind.Cuda));
        }
        else
        {
            Assert.Equal(DeviceKind.Cuda, auto.Kind);
        }
    }

    [Fact]
    public void ResolvePrintsTheReasonAndTurnsErrorsIntoCliMessages()
    {
        var output = new StringWriter();
        Assert.Equal(Enas.Engine.Device.Cpu, DeviceSelection.Resolve("cpu", output));
        Assert.Equal("device: using the managed CPU backend (--device cpu)" + Environment.NewLine, output.ToString());
        var ex = Assert.Throws<CliException>(() => DeviceSelection.Resolve("gpu", TextWriter.Null));
        Assert.Equal("--device 'gpu' is not understood; use auto, cpu, cuda or cuda:N", ex.Message);
    }

    [Fact]
    public void RanksOfADataParallelJobTakeTheirGpuRoundRobinUnlessOneIsNamed()
    {
        IReadOnlyList<string> ThreeGpus() => ["H100 a", "H100 b", "H100 c"];
        Assert.Equal([0, 1, 2, 0, 1], Enumerable.Range(0, 5).Select(r => DeviceSelection.Choose("cuda", ThreeGpus, r).Ordinal));
        Assert.Equal([0, 1, 2, 0, 1], Enumerable.Range(0, 5).Select(r => DeviceSelection.Choose("auto", ThreeGpus, r).Ordinal));
        Assert.All(Enumerable.Range(0, 5), r => Assert.Equal(2, DeviceSelection.Choose("cuda:2", ThreeGpus, r).Ordinal));
        Assert.Contains("rank 4 on device 1 (rank mod device count)", DeviceSelection.Choose("cuda", ThreeGpus, 4).Reason);
        Assert.Equal(DeviceKind.Cpu, DeviceSelection.Choose("auto", () => [], 3).Kind); // no GPU: every rank on the CPU
    }
}
