namespace Enas.Kernels.Cpu;

// Kernel families not written yet (Conv). Replaced by a file of their own.
public sealed partial class CpuBackend
{
    private static NotImplementedException PendingConv(string kernel) =>
        new($"CPU kernel '{kernel}' is not written yet");

    /// <inheritdoc />
    public void Gemm(in GemmDescriptor descriptor, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c) =>
        throw PendingConv(nameof(Gemm));

    /// <inheritdoc />
    public void Conv2DForward(in Conv2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer w, DeviceBuffer y) =>
        throw PendingConv(nameof(Conv2DForward));

    /// <inheritdoc />
    public void Conv2DBackwardData(in Conv2DDescriptor descriptor, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer dx) =>
        throw PendingConv(nameof(Conv2DBackwardData));

    /// <inheritdoc />
    public void Conv2DBackwardFilter(in Conv2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer dy,
        DeviceBuffer dw) => throw PendingConv(nameof(Conv2DBackwardFilter));
}
