using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Enas.Kernels.Cpu;

/// <summary>
/// Register-blocked float32 GEMM micro-kernels over packed panels: C[MR x NR] = alpha * Apanel * Bpanel + beta * C.
/// A panel: kc steps of <see cref="MR"/> floats; B panel: kc steps of NR floats (32 with Vector512, 16 with the
/// Vector256 fallback). 6 x 2 vector accumulators stay in registers for the whole k loop (12 zmm or ymm).
/// </summary>
[SkipLocalsInit]
internal static unsafe class GemmKernels
{
    /// <summary>Rows of one A panel.</summary>
    public const int MR = 6;

    /// <summary>Tests set this to exercise the Vector256 path on AVX-512 machines.</summary>
    internal static bool ForceVector256 { get; set; }

    /// <summary>True when the 6x32 Vector512 kernel is used.</summary>
    public static bool Wide => Vector512.IsHardwareAccelerated && !ForceVector256;

    /// <summary>Columns of one B panel.</summary>
    public static int NR => Wide ? 32 : 16;

    /// <summary>6x32 kernel; writes the top-left mr x nr of the tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel512(int kc, float* a, float* b, float* c, long ldc, int mr, int nr, float alpha,
        float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var av = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(av, b1, c51);
            a += MR;
            b += 32;
        }
        if (mr == MR && nr == 32)
        {
            Store512(c, c00, c01, alpha, beta);
            Store512(c + ldc, c10, c11, alpha, beta);
            Store512(c + 2 * ldc, c20, c21, alpha, beta);
            Store512(c + 3 * ldc, c30, c31, alpha, beta);
            Store512(c + 4 * ldc, c40, c41, alpha, beta);
            Store512(c + 5 * ldc, c50, c51, alpha, beta);
            return;
        }
        float* t = stackalloc float[MR * 32];
        c00.Store(t); c01.Store(t + 16); c10.Store(t + 32); c11.Store(t + 48);
        c20.Store(t + 64); c21.Store(t + 80); c30.Store(t + 96); c31.Store(t + 112);
        c40.Store(t + 128); c41.Store(t + 144); c50.Store(t + 160); c51.Store(t + 176);
        StorePartial(t, 32, c, ldc, mr, nr, alpha, beta);
    }

    /// <summary>6x16 Vector256 fallback kernel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel256(int kc, float* a, float* b, float* c, long ldc, int mr, int nr, float alpha,
        float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var av = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(av, b1, c01);
            av = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(av, b1, c11);
            av = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(av, b1, c21);
            av = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(av, b1, c31);
            av = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(av, b1, c41);
            av = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(av, b1, c51);
            a += MR;
            b += 16;
        }
        float* t = stackalloc float[MR * 16];
        c00.Store(t); c01.Store(t + 8); c10.Store(t + 16); c11.Store(t + 24);
        c20.Store(t + 32); c21.Store(t + 40); c30.Store(t + 48); c31.Store(t + 56);
        c40.Store(t + 64); c41.Store(t + 72); c50.Store(t + 80); c51.Store(t + 88);
        StorePartial(t, 16, c, ldc, mr, nr, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, Vector512<float> lo, Vector512<float> hi, float alpha, float beta)
    {
        var va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            (lo * va).Store(c);
            (hi * va).Store(c + 16);
        }
        else
        {
            var vb = Vector512.Create(beta);
            Vector512.FusedMultiplyAdd(lo, va, Vector512.Load(c) * vb).Store(c);
            Vector512.FusedMultiplyAdd(hi, va, Vector512.Load(c + 16) * vb).Store(c + 16);
        }
    }

    private static void StorePartial(float* t, int width, float* c, long ldc, int mr, int nr, float alpha,
        float beta)
    {
        for (int i = 0; i < mr; i++)
        {
            float* row = c + i * ldc;
            float* src = t + i * width;
            if (beta == 0f)
                for (int j = 0; j < nr; j++) row[j] = alpha * src[j];
            else
                for (int j = 0; j < nr; j++) row[j] = alpha * src[j] + beta * row[j];
        }
    }

    /// <summary>
    /// Packs op(A)[i0 .. i0+mc, p0 .. p0+kc) into MR-row panels (zero padded): panel q holds rows q*MR.. as kc steps
    /// of MR values.
    /// </summary>
    public static void PackA(bool trans, float* a, long lda, int i0, int p0, int mc, int kc, float* dst)
    {
        for (int ir = 0; ir < mc; ir += MR)
        {
            int mr = Math.Min(MR, mc - ir);
            float* panel = dst + (long)ir * kc;
            if (!trans)
            {
                for (int i = 0; i < MR; i++)
                {
                    if (i >= mr)
                    {
                        for (int p = 0; p < kc; p++) panel[p * MR + i] = 0f;
                        continue;
                    }
                    float* src = a + (i0 + ir + i) * lda + p0;
                    for (int p = 0; p < kc; p++) panel[p * MR + i] = src[p];
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + (p0 + p) * lda + i0 + ir;
                    float* d = panel + p * MR;
                    int i = 0;
                    for (; i < mr; i++) d[i] = src[i];
                    for (; i < MR; i++) d[i] = 0f;
                }
            }
        }
    }

    /// <summary>
    /// Packs op(B)[p0 .. p0+kc, j0 .. j0+nc) into NR-column panels (zero padded): panel q holds columns q*NR.. as kc
    /// steps of NR values.
    /// </summary>
    public static void PackB(bool trans, float* b, long ldb, int p0, int j0, int kc, int nc, int nrFull, float* dst)
    {
        for (int jr = 0; jr < nc; jr += nrFull)
        {
            int nr = Math.Min(nrFull, nc - jr);
            float* panel = dst + (long)jr * kc;
            if (!trans)
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = b + (p0 + p) * ldb + j0 + jr;
                    float* d = panel + p * nrFull;
                    if (nr == nrFull)
                    {
                        CopyRow(src, d, nrFull);
                        continue;
                    }
                    int j = 0;
                    for (; j < nr; j++) d[j] = src[j];
                    for (; j < nrFull; j++) d[j] = 0f;
                }
            }
            else
            {
                for (int j = 0; j < nrFull; j++)
                {
                    if (j >= nr)
                    {
                        for (int p = 0; p < kc; p++) panel[p * nrFull + j] = 0f;
                        continue;
                    }
                    float* src = b + (j0 + jr + j) * ldb + p0;
                    for (int p = 0; p < kc; p++) panel[p * nrFull + j] = src[p];
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(float* src, float* dst, int n)
    {
        if (n == 32 && Vector512.IsHardwareAccelerated)
        {
            Vector512.Load(src).Store(dst);
            Vector512.Load(src + 16).Store(dst + 16);
            return;
        }
        new ReadOnlySpan<float>(src, n).CopyTo(new Span<float>(dst, n));
    }
}
