using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Enas.Kernels.Cpu;

/// <summary>
/// C [M, N] = A [M, K] x B [N, K]ᵀ (+ C when accumulating) for long K with both operands contiguous along K: the
/// convolution weight gradient dW = dY x colᵀ, where K is the pixel count. Vectorising along K needs no packing
/// (the packed GEMM would have to transpose the whole column matrix): a 4 x 3 tile keeps 12 zmm dot-product
/// accumulators over a K block that stays in L1, then reduces them horizontally.
/// </summary>
[SkipLocalsInit]
internal static unsafe class GemmDot
{
    private const int TileM = 4;
    private const int TileN = 3;
    private const int KBlock = 2048;

    /// <summary>Whether the Vector512 path runs (otherwise callers use the packed GEMM).</summary>
    public static bool Supported => Vector512.IsHardwareAccelerated && !GemmKernels.ForceVector256;

    /// <summary>
    /// C [M, N] (+)= A [M, K] x colᵀ where col [N, K] is the im2col matrix of one image (group): each group of
    /// three column rows is built into a small L1 buffer just before use, so no full column matrix is written.
    /// </summary>
    public static void RunIm2Col(in Conv2DDescriptor d, float* image, int m, float* a, long lda, float* c, long ldc,
        bool accumulate)
    {
        int n = d.CPerGroup * d.R * d.S, k = d.OutH * d.OutW;
        int kPad = (k + 15) & ~15;
        float* rows = CpuScratch.Get<float>(CpuScratch.Slot.Columns, TileN * (long)kPad);
        for (int j = 0; j < n; j += TileN)
        {
            int nj = Math.Min(TileN, n - j);
            for (int t = 0; t < nj; t++) Im2Col.Row(d, image, j + t, rows + t * kPad);
            Run(m, nj, k, a, lda, rows, kPad, c + j, ldc, accumulate);
        }
    }

    /// <summary>C = A Bᵀ (accumulate = false) or C += A Bᵀ; one thread.</summary>
    public static void Run(int m, int n, int k, float* a, long lda, float* b, long ldb, float* c, long ldc,
        bool accumulate)
    {
        if (!accumulate)
            for (int i = 0; i < m; i++) new Span<float>(c + i * ldc, n).Clear();
        for (int k0 = 0; k0 < k; k0 += KBlock)
        {
            int kb = Math.Min(KBlock, k - k0);
            int kv = kb & ~15;
            for (int j = 0; j < n; j += TileN)
            {
                int nj = Math.Min(TileN, n - j);
                for (int i = 0; i < m; i += TileM)
                {
                    int mi = Math.Min(TileM, m - i);
                    float* ap = a + i * lda + k0;
                    float* bp = b + j * ldb + k0;
                    float* cp = c + i * ldc + j;
                    if (mi == TileM && nj == TileN) Tile(kv, ap, lda, bp, ldb, cp, ldc);
                    else Edge(kv, mi, nj, ap, lda, bp, ldb, cp, ldc);
                    if (kv < kb) Scalar(kv, kb, mi, nj, ap, lda, bp, ldb, cp, ldc);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile(int kv, float* a, long lda, float* b, long ldb, float* c, long ldc)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        float* a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        float* b1 = b + ldb, b2 = b + 2 * ldb;
        for (int p = 0; p < kv; p += 16)
        {
            var b0v = Vector512.Load(b + p);
            var b1v = Vector512.Load(b1 + p);
            var b2v = Vector512.Load(b2 + p);
            var av = Vector512.Load(a + p);
            c00 = Vector512.FusedMultiplyAdd(av, b0v, c00);
            c01 = Vector512.FusedMultiplyAdd(av, b1v, c01);
            c02 = Vector512.FusedMultiplyAdd(av, b2v, c02);
            av = Vector512.Load(a1 + p);
            c10 = Vector512.FusedMultiplyAdd(av, b0v, c10);
            c11 = Vector512.FusedMultiplyAdd(av, b1v, c11);
            c12 = Vector512.FusedMultiplyAdd(av, b2v, c12);
            av = Vector512.Load(a2 + p);
            c20 = Vector512.FusedMultiplyAdd(av, b0v, c20);
            c21 = Vector512.FusedMultiplyAdd(av, b1v, c21);
            c22 = Vector512.FusedMultiplyAdd(av, b2v, c22);
            av = Vector512.Load(a3 + p);
            c30 = Vector512.FusedMultiplyAdd(av, b0v, c30);
            c31 = Vector512.FusedMultiplyAdd(av, b1v, c31);
            c32 = Vector512.FusedMultiplyAdd(av, b2v, c32);
        }
        c[0] += Vector512.Sum(c00); c[1] += Vector512.Sum(c01); c[2] += Vector512.Sum(c02);
        c += ldc;
        c[0] += Vector512.Sum(c10); c[1] += Vector512.Sum(c11); c[2] += Vector512.Sum(c12);
        c += ldc;
        c[0] += Vector512.Sum(c20); c[1] += Vector512.Sum(c21); c[2] += Vector512.Sum(c22);
        c += ldc;
        c[0] += Vector512.Sum(c30); c[1] += Vector512.Sum(c31); c[2] += Vector512.Sum(c32);
    }

    private static void Edge(int kv, int mi, int nj, float* a, long lda, float* b, long ldb, float* c, long ldc)
    {
        for (int i = 0; i < mi; i++)
        for (int j = 0; j < nj; j++)
        {
            float* ar = a + i * lda, br = b + j * ldb;
            Vector512<float> s0 = default, s1 = default;
            int p = 0;
            for (; p + 32 <= kv; p += 32)
            {
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(ar + p), Vector512.Load(br + p), s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.Load(ar + p + 16), Vector512.Load(br + p + 16), s1);
            }
            for (; p < kv; p += 16) s0 = Vector512.FusedMultiplyAdd(Vector512.Load(ar + p), Vector512.Load(br + p), s0);
            c[i * ldc + j] += Vector512.Sum(s0 + s1);
        }
    }

    private static void Scalar(int k0, int k1, int mi, int nj, float* a, long lda, float* b, long ldb, float* c,
        long ldc)
    {
        for (int i = 0; i < mi; i++)
        for (int j = 0; j < nj; j++)
        {
            float s = 0;
            for (int p = k0; p < k1; p++) s += a[i * lda + p] * b[j * ldb + p];
            c[i * ldc + j] += s;
        }
    }
}
