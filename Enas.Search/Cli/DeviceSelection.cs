using Enas.Engine;

namespace Enas.Search.Cli;

/// <summary>
/// Maps <c>--device</c> to an engine device. The one place to rewire when the CUDA backend lands: today "auto" is
/// the CPU and "cuda" is a clear error.
/// </summary>
public static class DeviceSelection
{
    /// <summary>Resolves "auto", "cpu" or "cuda".</summary>
    public static Device Resolve(string name) => name switch
    {
        "auto" or "cpu" => Device.Cpu,
        "cuda" => throw new CliException("--device cuda: the CUDA backend is not wired into this build yet; use --device cpu (or auto)"),
        _ => throw new CliException($"--device must be auto, cpu or cuda, got '{name}'"),
    };
}

/// <summary>A user error: printed without a stack trace, exit code 2.</summary>
public sealed class CliException(string message) : Exception(message);
