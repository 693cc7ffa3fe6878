namespace Enas.Kernels.Cpu;

// Kernel families not written yet (Optim). Replaced by a file of their own.
public sealed partial class CpuBackend
{
    private static NotImplementedException PendingOptim(string kernel) =>
        new($"CPU kernel '{kernel}' is not written yet");

    /// <inheritdoc />
    public void SgdUpdate(in SgdSettings settings, DeviceBuffer parameter, DeviceBuffer gradient,
        DeviceBuffer? velocity, long count) => throw PendingOptim(nameof(SgdUpdate));

    /// <inheritdoc />
    public void AdamUpdate(in AdamSettings settings, DeviceBuffer parameter, DeviceBuffer gradient, DeviceBuffer m,
        DeviceBuffer v, long count) => throw PendingOptim(nameof(AdamUpdate));
}
