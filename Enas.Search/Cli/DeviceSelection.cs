using Enas.Engine;
using Enas.Kernels;

namespace Enas.Search.Cli;

/// <summary>
/// Maps <c>--device</c> (auto | cpu | cuda | cuda:N) to an engine device through the kernels' device selection:
/// auto takes CUDA device 0 when ILGPU sees one and the managed CPU backend otherwise; an explicit CUDA request on a
/// machine without one is an error, never a silent fallback. Prints which device was chosen and why.
/// </summary>
public static class DeviceSelection
{
    /// <summary>Resolves the option and reports the choice on <paramref name="output"/> (standard output when
    /// null).</summary>
    public static Device Resolve(string name, TextWriter? output = null)
    {
        Kernels.Gpu.DeviceChoice choice;
        try
        {
            choice = Kernels.Gpu.DeviceSelection.Resolve(name);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw new CliException(ex.Message);
        }
        (output ?? Console.Out).WriteLine($"device: {choice.Reason}");
        return choice.Kind == DeviceKind.Cpu ? Device.Cpu : new Device(choice.Kind, choice.Ordinal);
    }
}

/// <summary>A user error: printed without a stack trace, exit code 2.</summary>
public sealed class CliException(string message) : Exception(message);
