using System.Diagnostics;
using System.Globalization;
using Enas.GpuBench;
using Enas.Kernels;
using Enas.Kernels.Gpu;

// Times every ENAS kernel shape on the ILGPU backend. Usage:
//   Enas.GpuBench --device cuda[:N] [--batches 64,128] [--channels 36] [--size 32] [--iters 20] [--out enas.csv]
//   Enas.GpuBench --device ilgpu-cpu --quick     (smoke test on ILGPU's CPU accelerator: tiny shapes, 1 iteration)
//   --naive   times the naive one-thread-per-output GEMM/conv kernels instead of the tiled ones
// Prints the device, launch overheads, then one CSV line per (op, batch, mode): median milliseconds per iteration.

string device = "cuda";
string? outPath = null;
int[] batches = [64, 128];
int channels = 36, size = 32, iters = 20;
bool quick = false, naive = false;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--device": device = Next(); break;
        case "--out": outPath = Next(); break;
        case "--batches": batches = Array.ConvertAll(Next().Split(','), int.Parse); break;
        case "--channels": channels = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--size": size = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--iters": iters = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--quick": quick = true; break;
        case "--naive": naive = true; break;
        case "--scope-overhead": MeasureScopeOverhead(); return 0;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}
if (quick)
{
    batches = [2];
    channels = 4;
    size = 8;
    iters = 1;
}

IlgpuBackend backend;
try
{
    if (device == "ilgpu-cpu")
    {
        Console.WriteLine("device: ILGPU CPU accelerator (GPU emulator; timings are meaningless, smoke test only)");
        backend = GpuRuntime.CreateCpuAcceleratorBackend(IlgpuLaunchOptions.SmallGroups, register: false);
    }
    else
    {
        // The bench only times CUDA: cuda (= auto = cuda:0) or cuda:N; the product's --device grammar is Enas.Search's.
        int ordinal = device is "cuda" or "auto" ? 0
            : device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device.AsSpan(5), out int n) && n >= 0 ? n
            : throw new ArgumentException($"--device '{device}': use cuda, cuda:N or ilgpu-cpu");
        var devices = GpuRuntime.DiscoverCudaDevices();
        backend = GpuRuntime.CreateCudaBackend(ordinal);
        Console.WriteLine($"device: cuda:{ordinal} ({devices[ordinal]})");
    }
}
catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}

using (backend)
{
    if (naive) backend.Options = backend.Options with { UseTiledKernels = false };
    Console.WriteLine($"backend: {backend.Name}, options {backend.Options}");
    var compile = Stopwatch.StartNew();
    backend.Preload();
    Console.WriteLine($"kernel compile + first launches: {compile.Elapsed.TotalMilliseconds:F0} ms");
    MeasureLaunchOverhead(backend);

    var lines = new List<string> { "op,batch,mode,ms,device" };
    foreach (int batch in batches)
    foreach (string mode in new[] { "fwd", "fwd+bwd" })
    foreach (var bench in BenchCases.Create(backend, batch, channels, size, mode))
    {
        using (bench)
        {
            bench.Run(); // warm-up (tiled kernel variants compile here on first use)
            backend.Synchronize();
            var samples = new double[Math.Max(1, quick ? 1 : 5)];
            for (int s = 0; s < samples.Length; s++)
            {
                var sw = Stopwatch.StartNew();
                for (int it = 0; it < iters; it++) bench.Run();
                backend.Synchronize();
                samples[s] = sw.Elapsed.TotalMilliseconds / iters;
            }
            Array.Sort(samples);
            double median = samples[samples.Length / 2];
            string line = string.Create(CultureInfo.InvariantCulture,
                $"{bench.Op},{bench.Batch},{bench.Mode},{median:F4},{backend.ShortName}{(naive ? "/naive" : "")}");
            Console.WriteLine(line);
            lines.Add(line);
        }
    }
    if (outPath is not null) File.WriteAllLines(outPath, lines);
    Console.WriteLine($"live buffers at exit: {backend.LiveBufferCount}");
}
return 0;

static void MeasureScopeOverhead()
{
    // Cost of the profiling hook the backends call per kernel, with no listener attached.
    var d = new Conv2DDescriptor(64, 36, 32, 32, 36, 3, 3, 1, 1);
    const int n = 20_000_000;
    for (int round = 0; round < 3; round++)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++)
        {
            using var scope = Enas.Kernels.Diagnostics.KernelEvents.Scope("Conv2DForward", d);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"KernelEvents.Scope without a listener: {sw.Elapsed.TotalNanoseconds / n:F2} ns per call"));
    }
}

static void MeasureLaunchOverhead(IlgpuBackend backend)
{
    using var buffer = backend.Allocate(DType.Float32, 256);
    const int n = 200;
    var sw = Stopwatch.StartNew();
    for (int i = 0; i < n; i++) backend.Fill(buffer, 0, 256, i);
    double queued = sw.Elapsed.TotalMicroseconds / n;
    backend.Synchronize();
    double total = sw.Elapsed.TotalMicroseconds / n;
    sw.Restart();
    for (int i = 0; i < 20; i++)
    {
        backend.Fill(buffer, 0, 256, i);
        backend.Synchronize();
    }
    double synced = sw.Elapsed.TotalMicroseconds / 20;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"launch overhead: {queued:F1} us to queue, {total:F1} us per launch incl. drain, {synced:F1} us launch+sync"));
}
