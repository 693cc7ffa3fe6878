using Enas.Engine;
using Enas.Kernels;
using Enas.Kernels.Gpu;

namespace Enas.Search.Cli;

/// <summary>The device a run will use, and a sentence saying why.</summary>
/// <param name="Kind">Cpu or Cuda (never IlgpuCpu).</param>
/// <param name="Ordinal">Device ordinal (0 for the CPU).</param>
/// <param name="Reason">Human-readable explanation, printed at start-up.</param>
public readonly record struct DeviceChoice(DeviceKind Kind, int Ordinal, string Reason);

/// <summary>
/// Maps <c>--device</c> to an engine device: "auto" (CUDA device 0 if ILGPU sees one, else the managed CPU backend),
/// "cpu", "cuda" (device 0, an error without one) or "cuda:N". An explicit CUDA request never falls back silently.
/// ILGPU's CPU accelerator is a test-only emulator and is never a run-time choice. The CUDA devices come from the
/// kernels' enumeration (<see cref="GpuRuntime.DiscoverCudaDevices"/>), asked only when CUDA matters. Prints which
/// device was chosen and why. In a data-parallel job of several ranks, "auto" and "cuda" put rank r on CUDA device
/// r mod count (one GPU per rank when there are as many); "cuda:N" puts every rank on device N.
/// </summary>
public static class DeviceSelection
{
    /// <summary>Resolves the option for rank <paramref name="rank"/> of the job (0 for a single process) and reports
    /// the choice on <paramref name="output"/> (standard output when null).</summary>
    /// <exception cref="CliException">The option is not understood, or CUDA was requested but is not available.</exception>
    public static Device Resolve(string name, TextWriter? output = null, int rank = 0)
    {
        DeviceChoice choice;
        try
        {
            choice = Choose(name, GpuRuntime.DiscoverCudaDevices, rank);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw new CliException(ex.Message);
        }
        (output ?? Console.Out).WriteLine($"device: {choice.Reason}");
        return choice.Kind == DeviceKind.Cpu ? Device.Cpu : new Device(choice.Kind, choice.Ordinal);
    }

    /// <summary>The grammar: resolves <paramref name="spec"/> against <paramref name="cudaDevices"/> (the names of
    /// the CUDA devices, called only when CUDA matters) for rank <paramref name="rank"/> of a job.</summary>
    /// <exception cref="ArgumentException">The spec is not understood.</exception>
    /// <exception cref="InvalidOperationException">CUDA was requested but is not available.</exception>
    internal static DeviceChoice Choose(string spec, Func<IReadOnlyList<string>> cudaDevices, int rank = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        string s = (spec ?? string.Empty).Trim().ToLowerInvariant();
        if (s == "cpu")
            return new DeviceChoice(DeviceKind.Cpu, 0, "using the managed CPU backend (--device cpu)");
        if (s is "" or "auto")
        {
            var devices = cudaDevices();
            int mine = devices.Count > 0 ? rank % devices.Count : 0;
            return devices.Count > 0
                ? new DeviceChoice(DeviceKind.Cuda, mine,
                    $"using cuda:{mine} ({devices[mine]}): --device auto and ILGPU saw {devices.Count} CUDA device(s){RankNote(rank, mine)}")
                : new DeviceChoice(DeviceKind.Cpu, 0,
                    "using the managed CPU backend: --device auto and ILGPU saw 0 CUDA devices");
        }
        if (s == "cuda" || s.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int ordinal = 0;
            if (s.Length > 4 && (!int.TryParse(s.AsSpan(5), out ordinal) || ordinal < 0))
                throw new ArgumentException($"--device '{spec}': expected cuda:N with N a device number, e.g. cuda:0");
            var devices = cudaDevices();
            if (devices.Count == 0)
                throw new InvalidOperationException("no CUDA device found: ILGPU saw 0 CUDA devices; use --device cpu");
            if (s == "cuda")
            {
                int mine = rank % devices.Count;
                return new DeviceChoice(DeviceKind.Cuda, mine, $"using cuda:{mine} ({devices[mine]}) (--device cuda){RankNote(rank, mine)}");
            }
            if (ordinal >= devices.Count)
                throw new InvalidOperationException(
                    $"no CUDA device {ordinal}: ILGPU saw {devices.Count} CUDA device(s) (cuda:0..cuda:{devices.Count - 1})");
            return new DeviceChoice(DeviceKind.Cuda, ordinal, $"using cuda:{ordinal} ({devices[ordinal]}) (--device {s})");
        }
        if (s is "ilgpu-cpu" or "ilgpucpu")
            throw new ArgumentException(
                $"--device '{spec}': ILGPU's CPU accelerator is a test-only GPU emulator; use cpu, cuda, cuda:N or auto");
        throw new ArgumentException($"--device '{spec}' is not understood; use auto, cpu, cuda or cuda:N");
    }

    private static string RankNote(int rank, int ordinal) => rank == 0 ? "" : $", rank {rank} on device {ordinal} (rank mod device count)";
}

/// <summary>A user error: printed without a stack trace, exit code 2.</summary>
public sealed class CliException(string message) : Exception(message);
