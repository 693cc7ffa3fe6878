using System.Runtime.InteropServices;
using Enas.Kernels;
using Enas.Kernels.Cpu;

namespace Enas.Perf;

/// <summary>
/// <c>--micro</c>: the pieces of one dense 36-channel convolution timed alone on one thread: the GEMM micro-kernel on
/// packed, L1-resident panels; im2col packing of B; the packed GEMM with a prepared B matrix; the conv per image.
/// </summary>
internal static unsafe class Micro
{
    public static void Run(double peak)
    {
        CpuParallel.MaxThreads = 1;
        int nr = GemmKernels.NR;
        float* a = Alloc(12 * 1024), b = Alloc(1024 * 64), c = Alloc(64 * 1024);
        foreach (int kc in new[] { 162, 256, 324, 450 })
        {
            // 6 A panels x one B panel, the conv inner loop (jr fixed, ir over 36 rows).
            int calls = 6;
            double ms = Harness.MedianMs(() =>
            {
                for (int rep = 0; rep < 200; rep++)
                for (int i = 0; i < calls; i++)
                    if (GemmKernels.Wide) GemmKernels.Kernel512(kc, a, b, c + i * 6 * 1024, 1024, 6, 32, 1f, 0f);
                    else GemmKernels.Kernel256(kc, a, b, c + i * 6 * 1024, 1024, 6, 16, 1f, 0f);
            }, 3, 9);
            double flops = 200.0 * calls * 2 * 6 * nr * kc;
            Report($"micro-kernel 6x{nr} kc={kc} (L1)", flops, ms, peak);
        }
        foreach (int len in new[] { 1088, 2176 })
        {
            // Weight-gradient dot tile: 6 dy rows x 4 shifted image rows over len pixels (L1 when len is small).
            float* da = Alloc(6 * len + 4), db = Alloc(len + 128), dc = Alloc(64);
            int* offs = (int*)(da + 6 * len);
            foreach (int shift in new[] { 0, 1 })
            {
                offs[0] = 0; offs[1] = 1 * shift + 16 * (1 - shift); offs[2] = 2 * shift + 32 * (1 - shift); offs[3] = 34 * shift + 48 * (1 - shift);
                double ms = Best(() =>
                {
                    for (int rep = 0; rep < 50; rep++)
                        DirectConvKernels.Dot(1, len, da, len, 0, db, offs, 0, dc, 4);
                });
                Report($"dot tile 6x4 len={len} {(shift == 0 ? "aligned" : "shifted")}", 50.0 * 2 * 24 * len, ms, peak);
            }
            Free(da); Free(db); Free(dc);
        }
        foreach (int k in new[] { 3, 5 })
        foreach (int size in new[] { 32, 28 })
        {
            var dd = new Conv2DDescriptor(4, 36, size, size, 36, k, k, 1, k / 2);
            float* dx = Alloc(dd.InputLength), dwt = Alloc(dd.WeightLength), ddy = Alloc(dd.OutputLength);
            double dms = 0;
            foreach (bool pair in new[] { false, true })
            {
                DirectConv.PairPanels = pair;
                dms = Best(() => DirectConv.Forward(dd, dx, dwt, ddy));
                Report($"direct conv{k}x{k} {size} fwd (4 images{(pair ? ", panel pairs" : "")})", dd.Flops, dms, peak);
            }
            var one = dd with { N = 1 };
            double pms = Best(() => DirectConv.PadForTiming(one, dx));
            Console.WriteLine($"| pad one image {k}x{k} {size} | {pms * 1e3:F1} us | {pms / (dms / 4) * 100:F1}% of one image's forward |");
            var aligned = one with { R = 1, S = 1, Pad = 0 };
            pms = Best(() => DirectConv.PadForTiming(aligned, dx));
            Console.WriteLine($"| copy one image {size}, no padding | {pms * 1e3:F1} us | |");
            foreach (var (rows, unroll) in new[] { (false, false), (true, false), (true, true) })
            {
                DirectConv.FilterRowMode = rows;
                DirectConv.Unroll32 = unroll;
                dms = Best(() => DirectConv.BackwardFilter(dd, dx, ddy, dwt));
                Report($"direct conv{k}x{k} {size} bwd-filter (4 images{(rows ? ", row mode" : "")}{(unroll ? ", rows of 32 unrolled" : "")})", dd.Flops, dms, peak);
            }
            DirectConv.FilterRowMode = true;
            DirectConv.Unroll32 = true;
            Free(dx); Free(dwt); Free(ddy);
        }
        foreach (int k in new[] { 3, 5 })
        foreach (int size in new[] { 32, 28 })
        {
            var d = new Conv2DDescriptor(1, 36, size, size, 36, k, k, 1, k / 2);
            int crs = 36 * k * k, p = size * size;
            float* x = Alloc(36 * size * size), w = Alloc(36 * crs), y = Alloc(36 * p);
            float* col = Alloc((long)crs * p);
            Im2Col.Forward(d, x, col);
            double ms = Harness.MedianMs(() =>
            {
                var packer = new MatrixPackB(false, col, p);
                Sgemm.Packed(ref packer, false, 36, p, crs, 1f, w, crs, 0f, y, p, 1024);
            }, 3, 9);
            Report($"gemm 36x{p}x{crs} prepacked col", d.Flops, ms, peak);
            ms = Harness.MedianMs(() =>
            {
                var packer = new Im2ColPackB(d, x);
                Sgemm.Packed(ref packer, false, 36, p, crs, 1f, w, crs, 0f, y, p, 1024);
            }, 3, 9);
            Report($"conv{k}x{k} {size} fused one image", d.Flops, ms, peak);
            float* pb = CpuScratch.Get<float>(CpuScratch.Slot.PackB, (long)crs * ((p + 31) / 32 * 32));
            ms = Harness.MedianMs(() =>
            {
                var packer = new Im2ColPackB(d, x);
                int half = (crs + 1) / 2;
                packer.Pack(0, 0, half, p, nr, pb);
                packer.Pack(half, 0, crs - half, p, nr, pb);
            }, 3, 9);
            Console.WriteLine($"| im2col pack {k}x{k} {size} one image | {ms * 1e3:F1} us | {4.0 * crs * p / (ms * 1e6):F1} GB/s written |");
            Free(x); Free(w); Free(y); Free(col);
        }
    }

    /// <summary>Least of three medians: on a shared machine interference only ever adds time.</summary>
    private static double Best(Action body)
    {
        double best = double.MaxValue;
        for (int i = 0; i < 3; i++) best = Math.Min(best, Harness.MedianMs(body, 10, 5));
        return best;
    }

    private static void Report(string name, double flops, double ms, double peak)
    {
        double g = flops / (ms * 1e6);
        Console.WriteLine($"| {name} | {ms * 1e3:F1} us | {g:F0} GFLOP/s | {100 * g / peak:F0}% of peak |");
    }

    private static float* Alloc(long n)
    {
        var p = (float*)NativeMemory.AlignedAlloc((nuint)(n * 4), 64);
        var rng = new Random(1);
        for (long i = 0; i < n; i++) p[i] = (float)rng.NextDouble() - 0.5f;
        return p;
    }

    private static void Free(float* p) => NativeMemory.AlignedFree(p);
}
