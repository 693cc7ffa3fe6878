namespace Enas.Kernels.Cpu;

// Fused kernels (IFusedKernels): ReLU -> depthwise conv on the Vector512 depthwise path. The ReLU is applied while
// each plane is copied into the kernel's padded scratch plane, and its backward masks each finished dx plane, so
// neither relu(x) nor its gradient is ever written to memory. Results equal the unfused Unary<Relu> + depthwise
// kernels bit for bit (same inputs to the same FMA order).
public sealed unsafe partial class CpuBackend : IFusedKernels
{
    /// <inheritdoc />
    public bool SupportsReluDepthwise(in Conv2DDescriptor descriptor, DType dtype) =>
        dtype == DType.Float32 && descriptor.IsDepthwise && DepthwiseFast.Supports(descriptor);

    /// <inheritdoc />
    public void ReluDepthwiseForward(in Conv2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer w, DeviceBuffer y)
    {
        using var profile = Diagnostics.KernelEvents.Scope("ReluDepthwiseForward", descriptor);
        Require(descriptor, x);
        DepthwiseFast.Forward(descriptor, (float*)Ptr(x), (float*)Ptr(w), (float*)Ptr(y), reluInput: true);
    }

    /// <inheritdoc />
    public void ReluDepthwiseBackwardData(in Conv2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer dy,
        DeviceBuffer w, DeviceBuffer dx)
    {
        using var profile = Diagnostics.KernelEvents.Scope("ReluDepthwiseBackwardData", descriptor);
        Require(descriptor, x);
        DepthwiseFast.BackwardData(descriptor, (float*)Ptr(dy), (float*)Ptr(w), (float*)Ptr(dx), (float*)Ptr(x));
    }

    /// <inheritdoc />
    public void ReluDepthwiseBackwardFilter(in Conv2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer dy,
        DeviceBuffer dw)
    {
        using var profile = Diagnostics.KernelEvents.Scope("ReluDepthwiseBackwardFilter", descriptor);
        Require(descriptor, x);
        DepthwiseFast.BackwardFilter(descriptor, (float*)Ptr(x), (float*)Ptr(dy), (float*)Ptr(dw), reluInput: true);
    }

    private void Require(in Conv2DDescriptor descriptor, DeviceBuffer x)
    {
        if (!SupportsReluDepthwise(descriptor, x.DType))
            throw new NotSupportedException($"ReLU -> depthwise is not fused for {descriptor} ({x.DType})");
    }
}
