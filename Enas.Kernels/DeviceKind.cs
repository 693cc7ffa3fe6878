namespace Enas.Kernels;

/// <summary>Which kind of backend executes kernels.</summary>
public enum DeviceKind
{
    /// <summary>The managed SIMD CPU backend: the only CPU path for training.</summary>
    Cpu,
    /// <summary>ILGPU on an NVIDIA GPU.</summary>
    Cuda,
    /// <summary>ILGPU's CPU accelerator (a GPU emulator). Used by tests only, never at run time.</summary>
    IlgpuCpu,
}
