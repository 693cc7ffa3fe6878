namespace Enas.Kernels.Cpu;

// Highway gate (the ENAS recurrent cell's edge): rows are independent, each a pass over `hidden` elements of
// HighwayMath. Recurrent-cell tensors are small ([batch, hidden]); rows are split across threads only when large.
public sealed partial class CpuBackend
{
    private const long HighwayGrain = 1 << 14;

    /// <inheritdoc />
    public void Highway<TAct>(int rows, int hidden, DeviceBuffer pre, DeviceBuffer prev, DeviceBuffer y)
        where TAct : struct, IUnaryOp
    {
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
            var g = bPre.AsSpan<float>();
            var p = bPrev.AsSpan<float>();
            var o = bY.AsSpan<float>();
            for (int r = (int)r0; r < r1; r++)
            {
                var gate = g.Slice(r * 2 * hidden, hidden);
                var cand = g.Slice(r * 2 * hidden + hidden, hidden);
                var pr = p.Slice(r * hidden, hidden);
                var yr = o.Slice(r * hidden, hidden);
                for (int j = 0; j < hidden; j++) yr[j] = HighwayMath.Forward<TAct>(gate[j], cand[j], pr[j]);
            }
        });
    }

    /// <inheritdoc />
    public void HighwayBackward<TAct>(int rows, int hidden, DeviceBuffer pre, DeviceBuffer prev, DeviceBuffer dy,
        DeviceBuffer? dpre, DeviceBuffer? dprev) where TAct : struct, IUnaryOp
    {
        if (pre.DType == DType.Float64)
        {
            var g = View<double>(pre);
            var p = View<double>(prev);
            var d = View<double>(dy);
            var dg = dpre is null ? default : View<double>(dpre);
            var dp = dprev is null ? default : View<double>(dprev);
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
            return;
        }
        var bPre = (CpuBuffer)pre;
        var bPrev = (CpuBuffer)prev;
        var bDy = (CpuBuffer)dy;
        var bDpre = (CpuBuffer?)dpre;
        var bDprev = (CpuBuffer?)dprev;
        CpuParallel.For(rows, 1 + HighwayGrain / Math.Max(1, hidden), (r0, r1) =>
        {
            var g = bPre.AsSpan<float>();
            var p = bPrev.AsSpan<float>();
            var d = bDy.AsSpan<float>();
            var dg = bDpre is null ? default : bDpre.AsSpan<float>();
            var dp = bDprev is null ? default : bDprev.AsSpan<float>();
            for (int r = (int)r0; r < r1; r++)
                for (int j = 0; j < hidden; j++)
                {
                    int gi = r * 2 * hidden + j, ui = gi + hidden, i = r * hidden + j;
                    if (bDpre is not null)
                    {
                        dg[gi] = HighwayMath.GateGradient<TAct>(g[gi], g[ui], p[i], d[i]);
                        dg[ui] = HighwayMath.CandidateGradient<TAct>(g[gi], g[ui], d[i]);
                    }
                    if (bDprev is not null) dp[i] = HighwayMath.PreviousGradient(g[gi], d[i]);
                }
        });
    }
}
