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
internal readonly unsafe struct Im2ColPackB(Conv2DDescriptor d, float* image) : IPackB
{
    public void Pack(int p0, int j0, int kc, int nc, int nrFull, float* dst)
    {
        int outW = d.OutW, rs = d.R * d.S;
        for (int jr = 0; jr < nc; jr += nrFull)
        {
            int nr = Math.Min(nrFull, nc - jr);
            float* panel = dst + (long)jr * kc;
            int pix0 = j0 + jr;
            for (int kk = 0; kk < kc; kk++)
            {
                int q = p0 + kk;
                int c = q / rs, rem = q - c * rs, r = rem / d.S, s = rem - r * d.S;
                float* plane = image + (long)c * d.H * d.W;
                float* row = panel + kk * nrFull;
                int oh = pix0 / outW, ow = pix0 - oh * outW;
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
                        int shift = s - d.Pad;
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
                for (int i = nr; i < nrFull; i++) row[i] = 0f;
            }
        }
    }
}
