namespace Enas.Kernels.Cpu;

// Dense linear algebra: strided-batched GEMM (float32 packed micro-kernels, float64 reference-quality loops).
public sealed unsafe partial class CpuBackend
{
    /// <inheritdoc />
    public void Gemm(in GemmDescriptor descriptor, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c)
    {
        if (a.DType == DType.Float64)
            Sgemm.Run(descriptor, (double*)Ptr(a), (double*)Ptr(b), (double*)Ptr(c));
        else
            Sgemm.Run(descriptor, (float*)Ptr(a), (float*)Ptr(b), (float*)Ptr(c));
    }

    /// <summary>Start of a CPU buffer's memory.</summary>
    internal static void* Ptr(DeviceBuffer buffer) => ((CpuBuffer)buffer).Pointer;
}
