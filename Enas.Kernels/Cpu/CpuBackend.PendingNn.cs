namespace Enas.Kernels.Cpu;

// Kernel families not written yet (Nn). Replaced by a file of their own.
public sealed partial class CpuBackend
{
    private static NotImplementedException PendingNn(string kernel) =>
        new($"CPU kernel '{kernel}' is not written yet");

    /// <inheritdoc />
    public void Pool2DForward(in Pool2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer y) =>
        throw PendingNn(nameof(Pool2DForward));

    /// <inheritdoc />
    public void Pool2DBackward(in Pool2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy,
        DeviceBuffer dx) => throw PendingNn(nameof(Pool2DBackward));

    /// <inheritdoc />
    public void BatchNormForwardTraining(in BatchNormDescriptor descriptor, DeviceBuffer x, DeviceBuffer? gamma,
        DeviceBuffer? beta, DeviceBuffer y, DeviceBuffer saveMean, DeviceBuffer saveInvStd,
        DeviceBuffer? runningMean, DeviceBuffer? runningVar) => throw PendingNn(nameof(BatchNormForwardTraining));

    /// <inheritdoc />
    public void BatchNormForwardInference(in BatchNormDescriptor descriptor, DeviceBuffer x, DeviceBuffer? gamma,
        DeviceBuffer? beta, DeviceBuffer runningMean, DeviceBuffer runningVar, DeviceBuffer y) =>
        throw PendingNn(nameof(BatchNormForwardInference));

    /// <inheritdoc />
    public void BatchNormBackward(in BatchNormDescriptor descriptor, DeviceBuffer x, DeviceBuffer dy,
        DeviceBuffer? gamma, DeviceBuffer saveMean, DeviceBuffer saveInvStd, DeviceBuffer dx, DeviceBuffer? dgamma,
        DeviceBuffer? dbeta) => throw PendingNn(nameof(BatchNormBackward));

    /// <inheritdoc />
    public void LogSoftmax(int rows, int cols, DeviceBuffer x, DeviceBuffer y) => throw PendingNn(nameof(LogSoftmax));

    /// <inheritdoc />
    public void LogSoftmaxBackward(int rows, int cols, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx) =>
        throw PendingNn(nameof(LogSoftmaxBackward));

    /// <inheritdoc />
    public void Gather(DeviceBuffer table, DeviceBuffer indices, DeviceBuffer output, int count, int rowLength) =>
        throw PendingNn(nameof(Gather));

    /// <inheritdoc />
    public void ScatterAdd(DeviceBuffer values, DeviceBuffer indices, DeviceBuffer table, int count, int rowLength) =>
        throw PendingNn(nameof(ScatterAdd));
}
