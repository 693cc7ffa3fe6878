namespace Enas.Kernels.Cpu;

// 2-D convolution: depthwise by direct shifted-row kernels; dense stride-1 float32 convolutions by DirectConv (taps
// read straight from a zero-padded image); everything else by im2col + packed GEMM per image (1x1 stride-1 unpadded
// convolutions multiply the image directly), see ConvGemm.
public sealed unsafe partial class CpuBackend
{
    /// <inheritdoc />
    public void Conv2DForward(in Conv2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer w, DeviceBuffer y)
    {
        using var profile = Diagnostics.KernelEvents.Scope("Conv2DForward", descriptor);
        if (x.DType == DType.Float64)
        {
            if (descriptor.IsDepthwise) DepthwiseConv.Forward(descriptor, (double*)Ptr(x), (double*)Ptr(w), (double*)Ptr(y));
            else ConvGemm.Forward(descriptor, (double*)Ptr(x), (double*)Ptr(w), (double*)Ptr(y));
        }
        else
        {
            if (descriptor.IsDepthwise && DepthwiseFast.Supports(descriptor)) DepthwiseFast.Forward(descriptor, (float*)Ptr(x), (float*)Ptr(w), (float*)Ptr(y));
            else if (descriptor.IsDepthwise) DepthwiseConv.Forward(descriptor, (float*)Ptr(x), (float*)Ptr(w), (float*)Ptr(y));
            else ConvGemm.Forward(descriptor, (float*)Ptr(x), (float*)Ptr(w), (float*)Ptr(y));
        }
    }

    /// <inheritdoc />
    public void Conv2DBackwardData(in Conv2DDescriptor descriptor, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer dx)
    {
        using var profile = Diagnostics.KernelEvents.Scope("Conv2DBackwardData", descriptor);
        if (dy.DType == DType.Float64)
        {
            if (descriptor.IsDepthwise) DepthwiseConv.BackwardData(descriptor, (double*)Ptr(dy), (double*)Ptr(w), (double*)Ptr(dx));
            else ConvGemm.BackwardData(descriptor, (double*)Ptr(dy), (double*)Ptr(w), (double*)Ptr(dx));
        }
        else
        {
            if (descriptor.IsDepthwise && DepthwiseFast.Supports(descriptor)) DepthwiseFast.BackwardData(descriptor, (float*)Ptr(dy), (float*)Ptr(w), (float*)Ptr(dx));
            else if (descriptor.IsDepthwise) DepthwiseConv.BackwardData(descriptor, (float*)Ptr(dy), (float*)Ptr(w), (float*)Ptr(dx));
            else ConvGemm.BackwardData(descriptor, (float*)Ptr(dy), (float*)Ptr(w), (float*)Ptr(dx));
        }
    }

    /// <inheritdoc />
    public void Conv2DBackwardFilter(in Conv2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer dy,
        DeviceBuffer dw)
    {
        using var profile = Diagnostics.KernelEvents.Scope("Conv2DBackwardFilter", descriptor);
        if (x.DType == DType.Float64)
        {
            if (descriptor.IsDepthwise) DepthwiseConv.BackwardFilter(descriptor, (double*)Ptr(x), (double*)Ptr(dy), (double*)Ptr(dw));
            else ConvGemm.BackwardFilter(descriptor, (double*)Ptr(x), (double*)Ptr(dy), (double*)Ptr(dw));
        }
        else
        {
            if (descriptor.IsDepthwise && DepthwiseFast.Supports(descriptor)) DepthwiseFast.BackwardFilter(descriptor, (float*)Ptr(x), (float*)Ptr(dy), (float*)Ptr(dw));
            else if (descriptor.IsDepthwise) DepthwiseConv.BackwardFilter(descriptor, (float*)Ptr(x), (float*)Ptr(dy), (float*)Ptr(dw));
            else ConvGemm.BackwardFilter(descriptor, (float*)Ptr(x), (float*)Ptr(dy), (float*)Ptr(dw));
        }
    }
}
