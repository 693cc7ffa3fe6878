using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Enas.Kernels.Cpu;

/// <summary>
/// Produces the packed B block of a GEMM: op(B)[p0 .. p0+kc, j0 .. j0+nc) as NR-column panels of kc steps (zero
/// padded to NR). A struct so the GEMM driver is specialised per source and the call inlines.
/// </summary>
internal unsafe interface IPackB
{
    void Pack(int p0, int j0, int kc, int nc, int nrFull, float* dst);
}

/// <summary>B is a stored row-major matrix (optionally transposed).</summary>
internal readonly unsafe struct MatrixPackB(bool trans, float* b, long ldb) : IPackB
{
    public void Pack(int p0, int j0, int kc, int nc, int nrFull, float* dst) =>
        GemmKernels.PackB(trans, b, ldb, p0, j0, kc, nc, nrFull, dst);
}

/// <summary>
/// B is the im2col matrix of one image (rows (c, r, s) of one group, columns output pixels), read straight from the
/// image: no column buffer is written, and the packed block stays in L2.
/// </summary>
[SkipLocalsInit]
internal readonly unsafe struct Im2ColPackB(Conv2DDescriptor d, float* image) : IPackB
{
    public void Pack(int p0, int j0, int kc, int nc, int nrFull, float* dst)
    {
        int outW = d.OutW, rs = d.R * d.S, panels = (nc + nrFull - 1) / nrFull;
        int* rowOf = stackalloc int[panels];
        int* colOf = stackalloc int[panels];
        for (int p = 0; p < panels; p++)
        {
            int pix = j0 + p * nrFull;
            rowOf[p] = pix / outW;
            colOf[p] = pix - rowOf[p] * outW;
        }
        int c = p0 / rs, r = p0 % rs / d.S, s = p0 % d.S;
        for (int kk = 0; kk < kc; kk++)
        {
            float* plane = image + (long)c * d.H * d.W;
            int shift = s - d.Pad;
            for (int p = 0; p < panels; p++)
            {
                int nr = Math.Min(nrFull, nc - p * nrFull);
                float* row = dst + ((long)p * kc + kk) * nrFull;
                int oh = rowOf[p], ow = colOf[p];
                int ih = oh * d.Stride - d.Pad + r, iw = ow + shift;
                if (d.Stride == 1 && nr == 32 && ow + 32 <= outW && iw >= 0 && iw + 32 <= d.W)
                {
                    // Whole panel inside one output row and inside the image row: two vector copies.
                    if ((uint)ih >= (uint)d.H)
                    {
                        Vector512<float>.Zero.Store(row);
                        Vector512<float>.Zero.Store(row + 16);
                    }
                    else
                    {
                        float* src = plane + ih * d.W + iw;
                        Vector512.Load(src).Store(row);
                        Vector512.Load(src + 16).Store(row + 16);
                    }
                    continue;
                }
                PackRuns(plane, r, shift, oh, ow, nr, row);
                for (int i = nr; i < nrFull; i++) row[i] = 0f;
            }
            if (++s == d.S)
            {
                s = 0;
                if (++r == d.R)
                {
                    r = 0;
                    c++;
                }
            }
        }
    }

    /// <summary>General case: nr pixels from (oh, ow) on, in runs that stay within one output row.</summary>
    private void PackRuns(float* plane, int r, int shift, int oh, int ow, int nr, float* row)
    {
        int outW = d.OutW;
        int t = 0;
        while (t < nr)
        {
            int run = Math.Min(nr - t, outW - ow);
            int ih = oh * d.Stride - d.Pad + r;
            float* o = row + t;
            if ((uint)ih >= (uint)d.H)
            {
                new Span<float>(o, run).Clear();
            }
            else
            {
                float* src = plane + ih * d.W;
                if (d.Stride == 1)
                {
                    int lo = Math.Clamp(-shift - ow, 0, run), hi = Math.Clamp(d.W - shift - ow, lo, run);
                    for (int i = 0; i < lo; i++) o[i] = 0f;
                    new ReadOnlySpan<float>(src + ow + shift + lo, hi - lo).CopyTo(new Span<float>(o + lo, hi - lo));
                    for (int i = hi; i < run; i++) o[i] = 0f;
                }
                else
                {
                    for (int i = 0; i < run; i++)
                    {
                        int iw = (ow + i) * d.Stride + shift;
                        o[i] = (uint)iw < (uint)d.W ? src[iw] : 0f;
                    }
                }
            }
            t += run;
            oh++;
            ow = 0;
        }
    }
}
