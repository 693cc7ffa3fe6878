namespace Enas.Kernels;

/// <summary>
/// Optional fused kernels a backend may offer beside <see cref="IBackend"/>: chains an ENAS child always runs, done in
/// one pass over the data. Each gives the unfused composition's results bit for bit. Callers check
/// <see cref="SupportsReluDepthwise"/> and compose the unfused kernels otherwise.
/// </summary>
public interface IFusedKernels
{
    /// <summary>Whether the ReLU -> depthwise kernels below handle this descriptor and dtype.</summary>
    bool SupportsReluDepthwise(in Conv2DDescriptor descriptor, DType dtype);

    /// <summary>y [N, C, OH, OW] = depthwise conv of relu(x [N, C, H, W]) with w [C, 1, R, S].</summary>
    void ReluDepthwiseForward(in Conv2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer w, DeviceBuffer y);

    /// <summary>
    /// dx [N, C, H, W] = (x &gt; 0) * depthwise backward-data of dy [N, C, OH, OW] with w: the input gradient of
    /// the whole chain (x is the ReLU's input).
    /// </summary>
    void ReluDepthwiseBackwardData(in Conv2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer w,
        DeviceBuffer dx);

    /// <summary>dw [C, 1, R, S] = depthwise backward-filter of relu(x [N, C, H, W]) and dy [N, C, OH, OW].</summary>
    void ReluDepthwiseBackwardFilter(in Conv2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer dy,
        DeviceBuffer dw);
}
