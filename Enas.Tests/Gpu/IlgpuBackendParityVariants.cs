using Enas.Kernels.Gpu;

namespace Enas.Tests.Gpu;

/// <summary>The parity cases on ILGPU's CPU accelerator (always runs; small groups; checks kernel logic).</summary>
public sealed class IlgpuCpuParityTests : IlgpuParityTests
{
    protected override IlgpuBackend Gpu => IlgpuTestDevices.CpuAccelerator;
}

/// <summary>The same cases on CUDA device 0; every test is reported as skipped, with the reason, without one.</summary>
[RequiresCuda]
public sealed class IlgpuCudaParityTests : IlgpuParityTests
{
    protected override IlgpuBackend Gpu => (IlgpuBackend)IlgpuTestDevices.Cuda;
}
