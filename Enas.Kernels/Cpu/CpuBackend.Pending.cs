namespace Enas.Kernels.Cpu;

// Kernel families not written yet. Each helper replaces its section with a file of its own.
public sealed partial class CpuBackend
{
    private static NotImplementedException Pending(string kernel) =>
        new($"CPU kernel '{kernel}' is not written yet");

    /// <inheritdoc />
    public void Gemm(in GemmDescriptor descriptor, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c) =>
        throw Pending(nameof(Gemm));

    /// <inheritdoc />
    public void Conv2DForward(in Conv2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer w, DeviceBuffer y) =>
        throw Pending(nameof(Conv2DForward));

    /// <inheritdoc />
    public void Conv2DBackwardData(in Conv2DDescriptor descriptor, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer dx) =>
        throw Pending(nameof(Conv2DBackwardData));

    /// <inheritdoc />
    public void Conv2DBackwardFilter(in Conv2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer dy,
        DeviceBuffer dw) => throw Pending(nameof(Conv2DBackwardFilter));

    /// <inheritdoc />
    public void Pool2DForward(in Pool2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer y) =>
        throw Pending(nameof(Pool2DForward));

    /// <inheritdoc />
    public void Pool2DBackward(in Pool2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy,
        DeviceBuffer dx) => throw Pending(nameof(Pool2DBackward));

    /// <inheritdoc />
    public void BatchNormForwardTraining(in BatchNormDescriptor descriptor, DeviceBuffer x, DeviceBuffer? gamma,
        DeviceBuffer? beta, DeviceBuffer y, DeviceBuffer saveMean, DeviceBuffer saveInvStd,
        DeviceBuffer? runningMean, DeviceBuffer? runningVar) => throw Pending(nameof(BatchNormForwardTraining));

    /// <inheritdoc />
    public void BatchNormForwardInference(in BatchNormDescriptor descriptor, DeviceBuffer x, DeviceBuffer? gamma,
        DeviceBuffer? beta, DeviceBuffer runningMean, DeviceBuffer runningVar, DeviceBuffer y) =>
        throw Pending(nameof(BatchNormForwardInference));

    /// <inheritdoc />
    public void BatchNormBackward(in BatchNormDescriptor descriptor, DeviceBuffer x, DeviceBuffer dy,
        DeviceBuffer? gamma, DeviceBuffer saveMean, DeviceBuffer saveInvStd, DeviceBuffer dx, DeviceBuffer? dgamma,
        DeviceBuffer? dbeta) => throw Pending(nameof(BatchNormBackward));

    /// <inheritdoc />
    public void LogSoftmax(int rows, int cols, DeviceBuffer x, DeviceBuffer y) => throw Pending(nameof(LogSoftmax));

    /// <inheritdoc />
    public void LogSoftmaxBackward(int rows, int cols, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx) =>
        throw Pending(nameof(LogSoftmaxBackward));

    /// <inheritdoc />
    public void Gather(DeviceBuffer table, DeviceBuffer indices, DeviceBuffer output, int count, int rowLength) =>
        throw Pending(nameof(Gather));

    /// <inheritdoc />
    public void ScatterAdd(DeviceBuffer values, DeviceBuffer indices, DeviceBuffer table, int count, int rowLength) =>
        throw Pending(nameof(ScatterAdd));

    /// <inheritdoc />
    public void SgdUpdate(in SgdSettings settings, DeviceBuffer parameter, DeviceBuffer gradient,
        DeviceBuffer? velocity, long count) => throw Pending(nameof(SgdUpdate));

    /// <inheritdoc />
    public void AdamUpdate(in AdamSettings settings, DeviceBuffer parameter, DeviceBuffer gradient, DeviceBuffer m,
        DeviceBuffer v, long count) => throw Pending(nameof(AdamUpdate));
}
