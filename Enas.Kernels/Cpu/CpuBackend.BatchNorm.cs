using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Enas.Kernels.Cpu;

// Batch norm over x [N, C, S]. Threads take whole channels; a channel is N contiguous planes of S values at stride
// C * S. Statistics take one pass over data shifted by one of the channel's samples (the shifted-data variance
// algorithm: no catastrophic cancellation); each plane is reduced with vectors and the plane results are accumulated
// in double. The output and the input gradient are one fused pass per plane:
// y = (x - mean) * scale + beta, dx = a * dy - b * (x - mean) + c (centred, so large means do not cancel).
public sealed partial class CpuBackend
{
    /// <inheritdoc />
    public void BatchNormForwardTraining(in BatchNormDescriptor descriptor, DeviceBuffer x, DeviceBuffer? gamma,
        DeviceBuffer? beta, DeviceBuffer y, DeviceBuffer saveMean, DeviceBuffer saveInvStd,
        DeviceBuffer? runningMean, DeviceBuffer? runningVar)
    {
        using var profile = Diagnostics.KernelEvents.Scope("BatchNormForwardTraining", descriptor);
        var d = descriptor;
        if (x.DType == DType.Float64)
            BnTraining<double>(d, x, gamma, beta, y, saveMean, saveInvStd, runningMean, runningVar);
        else BnTraining<float>(d, x, gamma, beta, y, saveMean, saveInvStd, runningMean, runningVar);
    }

    /// <inheritdoc />
    public void BatchNormForwardInference(in BatchNormDescriptor descriptor, DeviceBuffer x, DeviceBuffer? gamma,
        DeviceBuffer? beta, DeviceBuffer runningMean, DeviceBuffer runningVar, DeviceBuffer y)
    {
        using var profile = Diagnostics.KernelEvents.Scope("BatchNormForwardInference", descriptor);
        var d = descriptor;
        if (x.DType == DType.Float64) BnInference<double>(d, x, gamma, beta, runningMean, runningVar, y);
        else BnInference<float>(d, x, gamma, beta, runningMean, runningVar, y);
    }

    /// <inheritdoc />
    public void BatchNormBackward(in BatchNormDescriptor descriptor, DeviceBuffer x, DeviceBuffer dy,
        DeviceBuffer? gamma, DeviceBuffer saveMean, DeviceBuffer saveInvStd, DeviceBuffer dx, DeviceBuffer? dgamma,
        DeviceBuffer? dbeta)
    {
        using var profile = Diagnostics.KernelEvents.Scope("BatchNormBackward", descriptor);
        var d = descriptor;
        if (x.DType == DType.Float64) BnBackward<double>(d, x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta);
        else BnBackward<float>(d, x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta);
    }

    private static long ChannelGrain(in BatchNormDescriptor d) => 1 + (1 << 15) / Math.Max(1, d.CountPerChannel);

    private static void BnTraining<T>(BatchNormDescriptor d, DeviceBuffer x, DeviceBuffer? gamma, DeviceBuffer? beta,
        DeviceBuffer y, DeviceBuffer saveMean, DeviceBuffer saveInvStd, DeviceBuffer? runningMean,
        DeviceBuffer? runningVar) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (bx, by, bg, bb) = ((CpuBuffer)x, (CpuBuffer)y, (CpuBuffer?)gamma, (CpuBuffer?)beta);
        var (bm, bs, brm, brv) = ((CpuBuffer)saveMean, (CpuBuffer)saveInvStd, (CpuBuffer?)runningMean,
            (CpuBuffer?)runningVar);
        double count = d.CountPerChannel;
        double unbias = count > 1 ? count / (count - 1) : 1.0;
        CpuParallel.ForBalanced(d.C, ChannelGrain(d), (c0, c1) =>
        {
            var xs = bx.AsSpan<T>();
            var ys = by.AsSpan<T>();
            for (int c = (int)c0; c < c1; c++)
            {
                // One pass over data shifted by the channel's first sample: a sample lies within a few standard
                // deviations of the mean, so E[(x - s)^2] - E[x - s]^2 cancels little, unlike the raw E[x^2] - E[x]^2.
                T shift0 = Plane(xs, d, 0, c)[0];
                double s1 = 0, s2 = 0;
                for (int n = 0; n < d.N; n++)
                {
                    var (a, b2) = PlaneShiftedSums(Plane(xs, d, n, c), shift0);
                    s1 += a;
                    s2 += b2;
                }
                double meanShifted = s1 / count;
                double mean = double.CreateTruncating(shift0) + meanShifted;
                double variance = Math.Max(0, s2 / count - meanShifted * meanShifted);
                double invStd = 1.0 / Math.Sqrt(variance + d.Epsilon);
                bm.AsSpan<T>()[c] = T.CreateTruncating(mean);
                bs.AsSpan<T>()[c] = T.CreateTruncating(invStd);
                double g = bg is null ? 1.0 : double.CreateTruncating(bg.AsSpan<T>()[c]);
                double b = bb is null ? 0.0 : double.CreateTruncating(bb.AsSpan<T>()[c]);
                T tm = T.CreateTruncating(mean), scale = T.CreateTruncating(g * invStd), tb = T.CreateTruncating(b);
                for (int n = 0; n < d.N; n++) PlaneAffine(Plane(xs, d, n, c), tm, scale, tb, Plane(ys, d, n, c));
                if (brm is not null)
                {
                    ref T rm = ref brm.AsSpan<T>()[c];
                    rm = T.CreateTruncating((1 - d.Momentum) * double.CreateTruncating(rm) + d.Momentum * mean);
                }
                if (brv is not null)
                {
                    ref T rv = ref brv.AsSpan<T>()[c];
                    rv = T.CreateTruncating((1 - d.Momentum) * double.CreateTruncating(rv) +
                                            d.Momentum * variance * unbias);
                }
            }
        });
    }

    private static void BnInference<T>(BatchNormDescriptor d, DeviceBuffer x, DeviceBuffer? gamma, DeviceBuffer? beta,
        DeviceBuffer runningMean, DeviceBuffer runningVar, DeviceBuffer y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (bx, by, bg, bb) = ((CpuBuffer)x, (CpuBuffer)y, (CpuBuffer?)gamma, (CpuBuffer?)beta);
        var (brm, brv) = ((CpuBuffer)runningMean, (CpuBuffer)runningVar);
        CpuParallel.ForBalanced(d.C, ChannelGrain(d), (c0, c1) =>
        {
            var xs = bx.AsSpan<T>();
            var ys = by.AsSpan<T>();
            for (int c = (int)c0; c < c1; c++)
            {
                double mean = double.CreateTruncating(brm.AsSpan<T>()[c]);
                double invStd = 1.0 / Math.Sqrt(double.CreateTruncating(brv.AsSpan<T>()[c]) + d.Epsilon);
                double g = bg is null ? 1.0 : double.CreateTruncating(bg.AsSpan<T>()[c]);
                double b = bb is null ? 0.0 : double.CreateTruncating(bb.AsSpan<T>()[c]);
                T tm = T.CreateTruncating(mean), scale = T.CreateTruncating(g * invStd), tb = T.CreateTruncating(b);
                for (int n = 0; n < d.N; n++) PlaneAffine(Plane(xs, d, n, c), tm, scale, tb, Plane(ys, d, n, c));
            }
        });
    }

    private static void BnBackward<T>(BatchNormDescriptor d, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer? gamma,
        DeviceBuffer saveMean, DeviceBuffer saveInvStd, DeviceBuffer dx, DeviceBuffer? dgamma, DeviceBuffer? dbeta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (bx, bdy, bdx, bg) = ((CpuBuffer)x, (CpuBuffer)dy, (CpuBuffer)dx, (CpuBuffer?)gamma);
        var (bm, bs, bdg, bdb) = ((CpuBuffer)saveMean, (CpuBuffer)saveInvStd, (CpuBuffer?)dgamma, (CpuBuffer?)dbeta);
        double count = d.CountPerChannel;
        CpuParallel.ForBalanced(d.C, ChannelGrain(d), (c0, c1) =>
        {
            var xs = bx.AsSpan<T>();
            var dys = bdy.AsSpan<T>();
            var dxs = bdx.AsSpan<T>();
            for (int c = (int)c0; c < c1; c++)
            {
                double mean = double.CreateTruncating(bm.AsSpan<T>()[c]);
                double invStd = double.CreateTruncating(bs.AsSpan<T>()[c]);
                double sumDy = 0, sumDyCentered = 0;
                for (int n = 0; n < d.N; n++)
                {
                    var (s1, s2) = PlaneGradSums(Plane(dys, d, n, c), Plane(xs, d, n, c), T.CreateTruncating(mean));
                    sumDy += s1;
                    sumDyCentered += s2;
                }
                if (bdb is not null) bdb.AsSpan<T>()[c] = T.CreateTruncating(sumDy);
                if (bdg is not null) bdg.AsSpan<T>()[c] = T.CreateTruncating(sumDyCentered * invStd);
                double g = bg is null ? 1.0 : double.CreateTruncating(bg.AsSpan<T>()[c]);
                // dx = g * invStd * (dy - mean(dy) - xhat * mean(dy * xhat)) = a * dy - b * (x - mean) + cst
                double a = g * invStd;
                double b = a * invStd * invStd * sumDyCentered / count;
                double cst = -a * sumDy / count;
                T ta = T.CreateTruncating(a), tb = T.CreateTruncating(b), tc = T.CreateTruncating(cst);
                T tm = T.CreateTruncating(mean);
                for (int n = 0; n < d.N; n++)
                    PlaneGradInput(Plane(dys, d, n, c), Plane(xs, d, n, c), tm, ta, tb, tc, Plane(dxs, d, n, c));
            }
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Span<T> Plane<T>(Span<T> data, in BatchNormDescriptor d, int n, int c) =>
        data.Slice((int)(((long)n * d.C + c) * d.Spatial), d.Spatial);

    private static (double Sum, double SumSquares) PlaneShiftedSums<T>(Span<T> x, T shift)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (SimdWidth.Use512) return PlaneShiftedSums<T, Simd512<T>>(x, shift);
        if (SimdWidth.Use256) return PlaneShiftedSums<T, Simd256<T>>(x, shift);
        return PlaneShiftedSums<T, Simd128<T>>(x, shift);
    }

    /// <summary>(sum of x - shift, sum of (x - shift)^2) over a plane: vector partial sums, double totals.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Sum, double SumSquares) PlaneShiftedSums<T, TV>(Span<T> x, T shift)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct, ISimdVector<TV, T>
    {
        ref T r = ref MemoryMarshal.GetReference(x);
        var m = TV.Splat(shift);
        var s1 = TV.Zero;
        var s2 = TV.Zero;
        nint i = 0;
        for (; i + TV.Count <= x.Length; i += TV.Count)
        {
            var dev = TV.Subtract(TV.Load(ref r, i), m);
            s1 = TV.Add(s1, dev);
            s2 = TV.Add(s2, TV.Multiply(dev, dev));
        }
        double sum = double.CreateTruncating(TV.Sum(s1)), sumSquares = double.CreateTruncating(TV.Sum(s2));
        for (; i < x.Length; i++)
        {
            double dev = double.CreateTruncating(x[(int)i] - shift);
            sum += dev;
            sumSquares += dev * dev;
        }
        return (sum, sumSquares);
    }

    /// <summary>y = (x - mean) * scale + shift (centred first: x * scale + c would cancel for large means).</summary>
    private static void PlaneAffine<T>(Span<T> x, T mean, T scale, T shift, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (SimdWidth.Use512) PlaneAffine<T, Simd512<T>>(x, mean, scale, shift, y);
        else if (SimdWidth.Use256) PlaneAffine<T, Simd256<T>>(x, mean, scale, shift, y);
        else PlaneAffine<T, Simd128<T>>(x, mean, scale, shift, y);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PlaneAffine<T, TV>(Span<T> x, T mean, T scale, T shift, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct, ISimdVector<TV, T>
    {
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        var vm = TV.Splat(mean);
        var vs = TV.Splat(scale);
        var vb = TV.Splat(shift);
        nint i = 0;
        for (; i + TV.Count <= x.Length; i += TV.Count)
            TV.Store(TV.Add(TV.Multiply(TV.Subtract(TV.Load(ref xr, i), vm), vs), vb), ref yr, i);
        for (; i < x.Length; i++) y[(int)i] = (x[(int)i] - mean) * scale + shift;
    }

    private static (double SumDy, double SumDyCentered) PlaneGradSums<T>(Span<T> dy, Span<T> x, T mean)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (SimdWidth.Use512) return PlaneGradSums<T, Simd512<T>>(dy, x, mean);
        if (SimdWidth.Use256) return PlaneGradSums<T, Simd256<T>>(dy, x, mean);
        return PlaneGradSums<T, Simd128<T>>(dy, x, mean);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double SumDy, double SumDyCentered) PlaneGradSums<T, TV>(Span<T> dy, Span<T> x, T mean)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct, ISimdVector<TV, T>
    {
        ref T dr = ref MemoryMarshal.GetReference(dy);
        ref T xr = ref MemoryMarshal.GetReference(x);
        var m = TV.Splat(mean);
        var s1 = TV.Zero;
        var s2 = TV.Zero;
        nint i = 0;
        for (; i + TV.Count <= x.Length; i += TV.Count)
        {
            var g = TV.Load(ref dr, i);
            s1 = TV.Add(s1, g);
            s2 = TV.Add(s2, TV.Multiply(g, TV.Subtract(TV.Load(ref xr, i), m)));
        }
        double sum1 = double.CreateTruncating(TV.Sum(s1)), sum2 = double.CreateTruncating(TV.Sum(s2));
        for (; i < x.Length; i++)
        {
            double g = double.CreateTruncating(dy[(int)i]);
            sum1 += g;
            sum2 += g * double.CreateTruncating(x[(int)i] - mean);
        }
        return (sum1, sum2);
    }

    private static void PlaneGradInput<T>(Span<T> dy, Span<T> x, T mean, T a, T b, T c, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (SimdWidth.Use512) PlaneGradInput<T, Simd512<T>>(dy, x, mean, a, b, c, dx);
        else if (SimdWidth.Use256) PlaneGradInput<T, Simd256<T>>(dy, x, mean, a, b, c, dx);
        else PlaneGradInput<T, Simd128<T>>(dy, x, mean, a, b, c, dx);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PlaneGradInput<T, TV>(Span<T> dy, Span<T> x, T mean, T a, T b, T c, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct, ISimdVector<TV, T>
    {
        ref T dr = ref MemoryMarshal.GetReference(dy);
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T outr = ref MemoryMarshal.GetReference(dx);
        var vm = TV.Splat(mean);
        var va = TV.Splat(a);
        var vb = TV.Splat(b);
        var vc = TV.Splat(c);
        nint i = 0;
        for (; i + TV.Count <= x.Length; i += TV.Count)
        {
            var centred = TV.Subtract(TV.Load(ref xr, i), vm);
            var v = TV.Add(TV.Multiply(va, TV.Load(ref dr, i)), TV.Subtract(vc, TV.Multiply(vb, centred)));
            TV.Store(v, ref outr, i);
        }
        for (; i < x.Length; i++) dx[(int)i] = a * dy[(int)i] + (c - b * (x[(int)i] - mean));
    }
}
