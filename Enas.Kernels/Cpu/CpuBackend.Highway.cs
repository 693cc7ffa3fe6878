using System.Buffers;
using System.Numerics.Tensors;

namespace Enas.Kernels.Cpu;

// Highway gate (the ENAS recurrent cell's edge): rows are independent. float64 runs HighwayMath element by element
// (gradient checks); float32 works a row at a time with TensorPrimitives (vectorised sigmoid/tanh: scalar
// MathF.Tanh per element made the fused op slower than the seven separate ops it replaces). The row formulas are
// HighwayMath's, rearranged into vector passes; the parity tests hold both to the float64 reference.
public sealed partial class CpuBackend
{
    private const long HighwayGrain = 1 << 14;

    /// <inheritdoc />
    public void Highway<TAct>(int rows, int hidden, DeviceBuffer pre, DeviceBuffer prev, DeviceBuffer y)
        where TAct : struct, IUnaryOp
    {
        using var profile = Diagnostics.KernelEvents.Scope("Highway", (long)rows * hidden);
        if (pre.DType == DType.Float64)
        {
            var g = View<double>(pre);
            var p = View<double>(prev);
            var o = View<double>(y);
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < hidden; j++)
                    o[r * hidden + j] = HighwayMath.Forward<TAct>(g[r * 2 * hidden + j], g[r * 2 * hidden + hidden + j], p[r * hidden + j]);
            return;
        }
        var bPre = (CpuBuffer)pre;
        var bPrev = (CpuBuffer)prev;
        var bY = (CpuBuffer)y;
        CpuParallel.For(rows, 1 + HighwayGrain / Math.Max(1, hidden), (r0, r1) =>
        {
            float[] rented = ArrayPool<float>.Shared.Rent(2 * hidden);
            var c = rented.AsSpan(0, hidden);
            var f = rented.AsSpan(hidden, hidden);
            var g = bPre.AsSpan<float>();
            var p = bPrev.AsSpan<float>();
            var o = bY.AsSpan<float>();
            for (int r = (int)r0; r < r1; r++)
            {
                var pr = p.Slice(r * hidden, hidden);
                TensorPrimitives.Sigmoid(g.Slice(r * 2 * hidden, hidden), c);
                UnaryRange<TAct>(g.Slice(r * 2 * hidden + hidden, hidden), f);
                TensorPrimitives.Subtract(f, pr, f);                        // f − p
                TensorPrimitives.MultiplyAdd(c, f, pr, o.Slice(r * hidden, hidden)); // p + c·(f − p)
            }
            ArrayPool<float>.Shared.Return(rented);
        });
    }

    /// <inheritdoc />
    public void HighwayBackward<TAct>(int rows, int hidden, DeviceBuffer pre, DeviceBuffer prev, DeviceBuffer dy,
        DeviceBuffer? dpre, DeviceBuffer? dprev) where TAct : struct, IUnaryOp
    {
        using var profile = Diagnostics.KernelEvents.Scope("HighwayBackward", (long)rows * hidden);
        if (pre.DType == DType.Float64)
        {
            HighwayBackward64<TAct>(rows, hidden, View<double>(pre), View<double>(prev), View<double>(dy),
                dpre is null ? null : (CpuBuffer)dpre, dprev is null ? null : (CpuBuffer)dprev);
            return;
        }
        var bPre = (CpuBuffer)pre;
        var bPrev = (CpuBuffer)prev;
        var bDy = (CpuBuffer)dy;
        var bDpre = (CpuBuffer?)dpre;
        var bDprev = (CpuBuffer?)dprev;
        CpuParallel.For(rows, 1 + HighwayGrain / Math.Max(1, hidden), (r0, r1) =>
        {
            float[] rented = ArrayPool<float>.Shared.Rent(4 * hidden);
            var c = rented.AsSpan(0, hidden);
            var f = rented.AsSpan(hidden, hidden);
            var dyc = rented.AsSpan(2 * hidden, hidden);
            var t = rented.AsSpan(3 * hidden, hidden);
            var g = bPre.AsSpan<float>();
            var p = bPrev.AsSpan<float>();
            var d = bDy.AsSpan<float>();
            for (int r = (int)r0; r < r1; r++)
            {
                var gate = g.Slice(r * 2 * hidden, hidden);
                var dr = d.Slice(r * hidden, hidden);
                TensorPrimitives.Sigmoid(gate, c);
                TensorPrimitives.Multiply(dr, c, dyc);                       // dy·c
                if (bDprev is not null)
                    TensorPrimitives.Subtract(dr, dyc, bDprev.AsSpan<float>().Slice(r * hidden, hidden)); // dy·(1 − c)
                if (bDpre is null) continue;
                var cand = g.Slice(r * 2 * hidden + hidden, hidden);
                var dg = bDpre.AsSpan<float>().Slice(r * 2 * hidden, 2 * hidden);
                UnaryRange<TAct>(cand, f);
                TensorPrimitives.Subtract(f, p.Slice(r * hidden, hidden), t);   // f − p
                TensorPrimitives.Multiply(t, dyc, t);                           // t = dy·c·(f − p)
                TensorPrimitives.Multiply(t, c, dg[..hidden]);
                TensorPrimitives.Subtract(t, dg[..hidden], dg[..hidden]);        // dg = t·(1 − c)
                ActivationGradientRow<TAct>(cand, f, dyc, dg[hidden..]);        // du = f'(u)·dy·c
            }
            ArrayPool<float>.Shared.Return(rented);
        });
    }

    private static void HighwayBackward64<TAct>(int rows, int hidden, Span<double> g, Span<double> p, Span<double> d,
        CpuBuffer? dpre, CpuBuffer? dprev) where TAct : struct, IUnaryOp
    {
        var dg = dpre is null ? default : dpre.AsSpan<double>();
        var dp = dprev is null ? default : dprev.AsSpan<double>();
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < hidden; j++)
            {
                int gi = r * 2 * hidden + j, ui = gi + hidden, i = r * hidden + j;
                if (dpre is not null)
                {
                    dg[gi] = HighwayMath.GateGradient<TAct>(g[gi], g[ui], p[i], d[i]);
                    dg[ui] = HighwayMath.CandidateGradient<TAct>(g[gi], g[ui], d[i]);
                }
                if (dprev is not null) dp[i] = HighwayMath.PreviousGradient(g[gi], d[i]);
            }
    }

    /// <summary>du = TAct'(u)·s over a row (f = TAct(u) already computed; s = dy·c).</summary>
    private static void ActivationGradientRow<TAct>(ReadOnlySpan<float> u, Span<float> f, ReadOnlySpan<float> s,
        Span<float> du) where TAct : struct, IUnaryOp
    {
        if (typeof(TAct) == typeof(Tanh))
        {
            TensorPrimitives.Multiply(f, f, f);          // f² (f is scratch from here on)
            TensorPrimitives.Multiply(f, s, f);
            TensorPrimitives.Subtract(s, f, du);         // s·(1 − f²)
        }
        else if (typeof(TAct) == typeof(Sigmoid))
        {
            TensorPrimitives.Multiply(s, f, du);         // s·f
            TensorPrimitives.Multiply(du, f, f);         // s·f²
            TensorPrimitives.Subtract(du, f, du);        // s·f·(1 − f)
        }
        else if (typeof(TAct) == typeof(Identity)) s.CopyTo(du);
        else for (int j = 0; j < u.Length; j++) du[j] = TAct.Backward(u[j], f[j], s[j]);
    }
}
