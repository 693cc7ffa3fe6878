using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Enas.Kernels.Gpu;

/// <summary>
/// Process-wide ILGPU state for the CUDA backend. Nothing here runs until a GPU is asked for: the CPU path never
/// loads ILGPU. <see cref="Initialize"/> installs the <c>libcuda.so.1</c> resolver (ILGPU itself only probes
/// <c>libcuda.so</c>, which container-mounted drivers often lack), creates a CUDA-only ILGPU context lazily, and
/// registers the <see cref="DeviceKind.Cuda"/> factory with <see cref="Backends"/>.
/// </summary>
public static class GpuRuntime
{
    private static readonly object s_gate = new();
    private static bool s_resolverInstalled;
    private static bool s_factoryRegistered;
    private static Context? s_cudaContext;
    private static IReadOnlyList<string>? s_cudaDevices;

    /// <summary>Installs the resolver and registers the CUDA backend factory. Idempotent and cheap.</summary>
    public static void Initialize()
    {
        lock (s_gate)
        {
            InstallCudaResolver();
            if (s_factoryRegistered) return;
            Backends.RegisterFactory(DeviceKind.Cuda, CreateCudaBackend);
            s_factoryRegistered = true;
        }
    }

    /// <summary>
    /// Names of the CUDA devices ILGPU sees ("NVIDIA H100 80GB HBM3 (sm_90)"); empty without a driver or GPU.
    /// The first call creates the CUDA context (~100 ms).
    /// </summary>
    public static IReadOnlyList<string> CudaDevices
    {
        get
        {
            lock (s_gate)
            {
                if (s_cudaDevices is not null) return s_cudaDevices;
                try
                {
                    var context = CudaContext();
                    var names = new List<string>();
                    foreach (var d in context.GetCudaDevices())
                    {
                        names.Add($"{d.Name}, sm_{d.Architecture?.Major}{d.Architecture?.Minor}, PTX ISA " +
                                  $"{d.InstructionSet}, driver {d.DriverVersion}, {d.MemorySize >> 20} MiB");
                    }
                    s_cudaDevices = names;
                }
                catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or
                                               EntryPointNotFoundException or InvalidOperationException)
                {
                    s_cudaDevices = Array.Empty<string>();
                }
                return s_cudaDevices;
            }
        }
    }

    /// <summary>
    /// The device enumeration a run chooses from: <see cref="Initialize"/> (so a CUDA device found can then be used
    /// through <see cref="Backends"/>), then <see cref="CudaDevices"/>. Parsing a device option is the caller's.
    /// </summary>
    public static IReadOnlyList<string> DiscoverCudaDevices()
    {
        Initialize();
        return CudaDevices;
    }

    /// <summary>Number of CUDA devices ILGPU sees.</summary>
    public static int CudaDeviceCount => CudaDevices.Count;

    /// <summary>Creates the backend for CUDA device <paramref name="ordinal"/> (the factory behind
    /// <see cref="Backends.Get"/>). Throws <see cref="InvalidOperationException"/> with the reason when impossible.</summary>
    public static IlgpuBackend CreateCudaBackend(int ordinal)
    {
        var devices = CudaDevices;
        if (devices.Count == 0)
            throw new InvalidOperationException("no CUDA device found: ILGPU saw 0 CUDA devices; use --device cpu");
        if (ordinal < 0 || ordinal >= devices.Count)
            throw new InvalidOperationException(
                $"CUDA device {ordinal} does not exist: ILGPU saw {devices.Count} CUDA device(s) (0..{devices.Count - 1})");
        Accelerator accelerator;
        lock (s_gate) accelerator = CudaContext().CreateCudaAccelerator(ordinal);
        return new IlgpuBackend(accelerator, DeviceKind.Cuda, ordinal, IlgpuLaunchOptions.Gpu);
    }

    /// <summary>
    /// TEST/BENCH ONLY: a backend over ILGPU's CPU accelerator (a GPU emulator, hundreds of times slower than the
    /// managed CPU backend; never a run-time choice). It owns its own context. With <paramref name="register"/> it is
    /// also registered as (<see cref="DeviceKind.IlgpuCpu"/>, <paramref name="ordinal"/>).
    /// </summary>
    internal static IlgpuBackend CreateCpuAcceleratorBackend(IlgpuLaunchOptions options, bool register = true,
        int ordinal = 0)
    {
        var device = new CPUDevice(4, 4, 1);
        var context = Context.Create(b => b.CPU(device).EnableAlgorithms().Optimize(OptimizationLevel.O1));
        var accelerator = context.CreateCPUAccelerator(0);
        var backend = new IlgpuBackend(accelerator, DeviceKind.IlgpuCpu, ordinal, options, context);
        if (register) Backends.Register(DeviceKind.IlgpuCpu, ordinal, backend);
        return backend;
    }

    private static Context CudaContext()
    {
        InstallCudaResolver();
        return s_cudaContext ??= Context.Create(b => b.Cuda().EnableAlgorithms().Optimize(OptimizationLevel.O2));
    }

    /// <summary>
    /// ILGPU declares [DllImport("cuda")], which .NET resolves as libcuda.so only. Redirect it to libcuda.so.1 when
    /// that exists. Skipped on WSL, where ILGPU installs its own resolver (only one per assembly is allowed).
    /// </summary>
    private static void InstallCudaResolver()
    {
        if (s_resolverInstalled) return;
        s_resolverInstalled = true;
        if (!OperatingSystem.IsLinux() || IsWsl()) return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Context).Assembly, ResolveCuda);
        }
        catch (InvalidOperationException)
        {
            // Someone (ILGPU on WSL, or the host application) already installed a resolver; keep theirs.
        }
    }

    private static IntPtr ResolveCuda(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != "cuda") return IntPtr.Zero;
        if (NativeLibrary.TryLoad("libcuda.so.1", assembly, path, out var handle)) return handle;
        if (NativeLibrary.TryLoad("libcuda.so", assembly, path, out handle)) return handle;
        return IntPtr.Zero;
    }

    private static bool IsWsl()
    {
        try
        {
            return File.Exists("/proc/version") &&
                   File.ReadAllText("/proc/version").Contains("microsoft", StringComparison.OrdinalIgnoreCase);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
