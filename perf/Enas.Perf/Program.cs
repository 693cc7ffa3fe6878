using System.Runtime.Intrinsics;
using Enas.Kernels;
using Enas.Kernels.Cpu;
using Enas.Perf;

// Enas CPU kernel benchmarks: FMA peak, then conv / pool / batch-norm / relu rows and GEMM 1024^3 on 1 and 2
// threads, with libtorch anchors from /work/shared/docs/perf-anchors.md. Usage:
//   dotnet run -c Release --project perf/Enas.Perf -- [--quick] [--threads 1|2|both] [--only <substring>[,<substring>...]] [--detail] [--clock wall|thread]
//   dotnet run -c Release --project perf/Enas.Perf -- --scaling [--only <substring>]   (1 vs 2 threads, alternated call by call)
bool quick = args.Contains("--quick");
bool detail = args.Contains("--detail");
Harness.ThreadClock = Option("--clock") == "thread";
string threadArg = Option("--threads") ?? "both";
string[]? only = Option("--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries);
int[] threadCounts = threadArg switch { "1" => [1], "2" => [2], _ => [1, 2] };
int warmup = quick ? 1 : 3, runs = quick ? 3 : 9;
const int Batch = 64;
int Channels = int.TryParse(Option("--channels"), out int ch) ? ch : 36;
int[] Sizes = Option("--sizes")?.Split(',').Select(int.Parse).ToArray() ?? [32, 28];
if (int.TryParse(Option("--parts-per-thread"), out int partsPerThread)) CpuParallel.PartsPerThread = partsPerThread;
if (Option("--loop") is { } loopArg)
{
    Loop.Run(Selected(), int.Parse(loopArg), threadCounts[0]);
    return;
}
if (args.Contains("--gaps"))
{
    Gaps.Run(Selected(), quick ? 200 : 1000);
    return;
}

Console.WriteLine($"# Enas.Perf  {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC  {Environment.ProcessorCount} logical CPUs  " +
                  $"Vector512 {(Vector512.IsHardwareAccelerated ? "yes" : "no")}  .NET {Environment.Version}  " +
                  $"{(quick ? "quick" : $"median of {runs}")}  clock {(Harness.ThreadClock ? "thread CPU time" : "wall")}");
var peak = new Dictionary<int, double>();
foreach (int t in threadCounts)
{
    peak[t] = Peak.Measure(t);
    Console.WriteLine($"FMA peak ({(Vector512.IsHardwareAccelerated ? "Vector512" : "Vector256")}, 12 accumulators), " +
                      $"{t} thread{(t > 1 ? "s" : "")}: {peak[t]:F0} GFLOP/s");
}
Console.WriteLine();
if (args.Contains("--scaling"))
{
    Scaling.Run(Selected(), quick ? 9 : 25);
    return;
}
if (args.Contains("--micro"))
{
    Micro.Run(peak[threadCounts[0]]);
    return;
}
Console.WriteLine("% peak columns use the FMA peak re-measured just before each row (shared, noisy machine).");
Console.WriteLine();
Console.WriteLine("| layer | HxW | thr | fwd ms | fwd rate | % peak | fwd+bwd ms | f+b rate | % peak | torch fwd | ours x | torch f+b | ours x |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");

foreach (var (name, make) in Rows())
{
    if (!Wanted(name)) continue;
    foreach (int t in threadCounts)
    {
        // The machine is shared: re-measure the ceiling next to every row so "% peak" compares like with like.
        peak[t] = Peak.Measure(t, quickRun: true);
        CpuParallel.MaxThreads = t;
        using var w = make();
        Console.WriteLine(Measure(w, t));
        if (detail && w is ConvWorkload conv)
            foreach (var (label, ms) in conv.Detail(warmup, runs))
                Console.WriteLine($"|   {label} | {w.Size} | {t} | {ms:F2} | | | | | | | | | |");
    }
}
CpuParallel.MaxThreads = Environment.ProcessorCount;
return;

string Measure(Workload w, int t)
{
    string fwd, fb;
    double fwdMs, fbMs = double.NaN;
    try
    {
        fwdMs = Harness.MedianMs(w.Forward, warmup, runs);
        if (w.HasBackward) fbMs = Harness.MedianMs(w.ForwardBackward, warmup, runs);
    }
    catch (NotImplementedException)
    {
        return $"| {w.Name} | {w.Size} | {t} | n/a | | | n/a | | | {Anchor(w.Key, t, false)} | | {Anchor(w.Key, t, true)} | |";
    }
    fwd = Rate(w.ForwardFlops, w.ForwardBytes, fwdMs, t);
    fb = w.HasBackward ? Rate(w.TotalFlops, 0, fbMs, t) : " | ";
    double torchF = Anchors.Get(w.Key, t, false), torchB = Anchors.Get(w.Key, t, true);
    string gemmNote = w is GemmWorkload
        ? $"libtorch {Anchors.GemmGflops[t - 1]} GFLOP/s | {w.ForwardFlops / (fwdMs * 1e6) / Anchors.GemmGflops[t - 1]:F2}"
        : $"{Anchor(w.Key, t, false)} | {Ratio(torchF, fwdMs)}";
    return $"| {w.Name} | {w.Size} | {t} | {fwdMs:F2} | {fwd} | {(w.HasBackward ? $"{fbMs:F2}" : "")} | {fb} | " +
           $"{gemmNote} | {Anchor(w.Key, t, true)} | {Ratio(torchB, fbMs)} |";
}

string Rate(double flops, double bytes, double ms, int t)
{
    if (flops > 0)
    {
        double g = flops / (ms * 1e6);
        return $"{g:F0} GFLOP/s | {100 * g / peak[t]:F0}% of {peak[t]:F0}";
    }
    return bytes > 0 ? $"{bytes / (ms * 1e6):F1} GB/s | " : " | ";
}

string Anchor(string key, int t, bool backward)
{
    double v = Anchors.Get(key, t, backward);
    return double.IsNaN(v) ? "" : $"{v:F1}";
}

static string Ratio(double torch, double ours) => double.IsNaN(torch) || double.IsNaN(ours) ? "" : $"{torch / ours:F2}";

string? Option(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

IEnumerable<(string Name, Func<Workload> Make)> Rows()
{
    foreach (int s in Sizes)
    {
        int size = s;
        Conv2DDescriptor Dense(int k) => new(Batch, Channels, size, size, Channels, k, k, 1, k / 2);
        Conv2DDescriptor Depthwise(int k) => new(Batch, Channels, size, size, Channels, k, k, 1, k / 2, Channels);
        yield return ("conv3x3", () => new ConvWorkload("conv3x3", size, Dense(3)));
        yield return ("conv5x5", () => new ConvWorkload("conv5x5", size, Dense(5)));
        yield return ("sepconv3x3", () => new ConvWorkload("sepconv3x3", size, Depthwise(3), Dense(1)));
        yield return ("sepconv5x5", () => new ConvWorkload("sepconv5x5", size, Depthwise(5), Dense(1)));
        foreach (int k in new[] { 3, 5 })
        {
            int kk = k;
            yield return ($"sep{k}x{k}-relu-unfused", () => new ReluSepConvWorkload(Batch, Channels, size, kk, false));
            yield return ($"sep{k}x{k}-relu-fused", () => new ReluSepConvWorkload(Batch, Channels, size, kk, true));
        }
        yield return ("depthwise3x3", () => new ConvWorkload("depthwise3x3", size, Depthwise(3)));
        yield return ("depthwise5x5", () => new ConvWorkload("depthwise5x5", size, Depthwise(5)));
        yield return ("conv1x1", () => new ConvWorkload("conv1x1", size, Dense(1)));
        yield return ("maxpool3x3", () => new PoolWorkload("maxpool3x3", size,
            new Pool2DDescriptor(PoolKind.Max, Batch, Channels, size, size, 3, 1, 1)));
        yield return ("avgpool3x3", () => new PoolWorkload("avgpool3x3", size,
            new Pool2DDescriptor(PoolKind.Average, Batch, Channels, size, size, 3, 1, 1)));
        yield return ("batchnorm", () => new BatchNormWorkload(Batch, Channels, size));
        yield return ("relu", () => new ReluWorkload((long)Batch * Channels * size * size, size));
        if (size == 32 && Channels == 36) yield return ("engine conv3x3", () => new EngineConvWorkload(Batch, Channels, size));
    }
    yield return ("gemm", () => new GemmWorkload(1024));
}

IEnumerable<(string Name, Func<Workload> Make)> Selected() =>
    Rows().Where(r => Wanted(r.Name));

// --only a,b: rows whose name contains any of the comma-separated substrings.
bool Wanted(string name) => only == null || only.Any(o => name.Contains(o, StringComparison.OrdinalIgnoreCase));
