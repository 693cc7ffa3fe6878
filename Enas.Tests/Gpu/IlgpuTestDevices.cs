using Enas.Kernels;
using Enas.Kernels.Gpu;

namespace Enas.Tests.Gpu;

/// <summary>
/// One ILGPU CPU-accelerator backend for the whole test assembly (context creation costs ~150 ms and each kernel
/// compile 5-20 ms, so they are shared), with small group sizes, and the CUDA backend when a device exists.
/// Never disposed: they live until the test host exits.
/// </summary>
internal static class IlgpuTestDevices
{
    private static readonly Lazy<IlgpuBackend> s_cpuAccelerator =
        new(() => GpuRuntime.CreateCpuAcceleratorBackend(IlgpuLaunchOptions.SmallGroups));

    private static readonly Lazy<IBackend> s_cuda = new(() =>
    {
        GpuRuntime.Initialize();
        return Backends.Get(DeviceKind.Cuda, 0);
    });

    private static readonly Lazy<IlgpuBackend> s_secondCpuAccelerator =
        new(() => GpuRuntime.CreateCpuAcceleratorBackend(IlgpuLaunchOptions.SmallGroups, ordinal: 1));

    /// <summary>ILGPU's CPU accelerator (a GPU emulator) with <see cref="IlgpuLaunchOptions.SmallGroups"/>.</summary>
    public static IlgpuBackend CpuAccelerator => s_cpuAccelerator.Value;

    /// <summary>A second emulator, registered as (IlgpuCpu, 1): a stand-in for cuda:1 (device N other than 0).</summary>
    public static IlgpuBackend SecondCpuAccelerator => s_secondCpuAccelerator.Value;

    /// <summary>CUDA device 0 (only touched by tests that are not skipped).</summary>
    public static IBackend Cuda => s_cuda.Value;
}
