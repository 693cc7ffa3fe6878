using System.Runtime.CompilerServices;
using ILGPU;

namespace Enas.Kernels.Gpu.Kernels;

/// <summary>
/// Everything a GEMM-shaped problem needs, in one flat struct of int32s (kernel parameters are passed by value).
/// GEMM fields: M, N, K, transposes, leading dims, offsets, batch strides, alpha/beta. Convolution fields: the
/// <see cref="Conv2DDescriptor"/> values. Split-K fields: a batch index z of the grid is (batch * Splits + split) and
/// split s covers K range [s * KChunk, min(K, (s + 1) * KChunk)).
/// </summary>
internal struct TileArgs
{
    public int M, N, K, TileK, KChunk, Splits;
    public int TransA, TransB, Lda, Ldb, Ldc, OffA, OffB, OffC, StrideA, StrideB, StrideC;
    public float Alpha, Beta;
    public int Images, C, H, W, Kout, R, S, Stride, Pad, OutH, OutW, CPerGroup, KPerGroup;

    /// <summary>Copies the convolution fields of <paramref name="d"/>.</summary>
    public static TileArgs ForConv(in Conv2DDescriptor d)
    {
        return new TileArgs
        {
            Images = d.N, C = d.C, H = d.H, W = d.W, Kout = d.K, R = d.R, S = d.S, Stride = d.Stride, Pad = d.Pad,
            OutH = d.OutH, OutW = d.OutW, CPerGroup = d.CPerGroup, KPerGroup = d.KPerGroup, Splits = 1, Alpha = 1f,
        };
    }
}

/// <summary>Per-column state of operand B, computed once per column so the K loop avoids re-decomposing n.</summary>
internal struct ColumnInfo
{
    public int A, B, C;

    public ColumnInfo(int a, int b, int c)
    {
        A = a;
        B = b;
        C = c;
    }
}

/// <summary>
/// A GEMM-shaped problem: C[m, n] = sum_k A(m, k) * B(k, n) per batch, where the operands are read (and the result
/// written) through these static members. Plain GEMM and the three convolution passes (implicit GEMM) implement it,
/// so one tiled kernel serves all of them. Callers guarantee m &lt; M, n &lt; N, k &lt; K.
/// </summary>
internal interface ITiledProblem
{
    /// <summary>A(m, k) of batch <paramref name="batch"/>.</summary>
    static abstract float LoadA(TileArgs p, ArrayView<float> a, int batch, int m, int k);

    /// <summary>Decomposes column <paramref name="n"/> of B once (e.g. output pixel to image/row/column).</summary>
    static abstract ColumnInfo PrepareB(TileArgs p, int batch, int n);

    /// <summary>B(k, n) of batch <paramref name="batch"/>, given the column's <see cref="PrepareB"/> state.</summary>
    static abstract float LoadB(TileArgs p, ArrayView<float> b, int batch, int k, ColumnInfo column);

    /// <summary>Writes (or, with split-K, atomically adds) the result for (m, n).</summary>
    static abstract void Store(TileArgs p, ArrayView<float> c, int batch, int m, int n, float value);

    /// <summary>True when consecutive k of A are adjacent in memory (the tile loader then walks k fastest).</summary>
    static abstract bool AKMajor(TileArgs p);

    /// <summary>True when consecutive k of B are adjacent in memory.</summary>
    static abstract bool BKMajor(TileArgs p);
}

/// <summary>
/// The GEMM kernels. <see cref="Naive{TP}"/>: one thread per output, K loop in registers (the validated
/// fallback). <see cref="Tiled{TP}"/>: explicitly grouped, a (4 * Group.DimY) x (4 * Group.DimX) block tile per
/// group, K tiles of depth TileK staged in dynamic shared memory (TileK * (BM + BN) floats), and a 4x4 register
/// block per thread with rows ty + i * DimY and columns tx + j * DimX (strided, so shared-memory reads and global
/// stores of neighbouring threads are adjacent). Every load is bounds-checked, so any M, N, K works (including the
/// M &lt; K case the ILGPU sample gets wrong). Grid: (ceil(N / BN), ceil(M / BM), batches * splits).
/// </summary>
internal static class TiledGemmKernels
{
    /// <summary>One thread per output of batch * M * N.</summary>
    public static void Naive<TP>(Index1D index, TileArgs p, ArrayView<float> a, ArrayView<float> b,
        ArrayView<float> c) where TP : struct, ITiledProblem
    {
        int i = index;
        int mn = p.M * p.N;
        int batch = i / mn;
        int r = i - batch * mn;
        int m = r / p.N;
        int n = r - m * p.N;
        var column = TP.PrepareB(p, batch, n);
        float acc = 0f;
        for (int k = 0; k < p.K; k++) acc += TP.LoadA(p, a, batch, m, k) * TP.LoadB(p, b, batch, k, column);
        TP.Store(p, c, batch, m, n, acc);
    }

    /// <summary>Shared-memory tiled, 4x4 register-blocked kernel (see the class summary).</summary>
    public static void Tiled<TP>(TileArgs p, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c)
        where TP : struct, ITiledProblem
    {
        var sh = SharedMemory.GetDynamic<float>();
        int gx = Group.DimX, gy = Group.DimY, tx = Group.IdxX, ty = Group.IdxY;
        int bm = 4 * gy, bn = 4 * gx, bk = p.TileK;
        int tid = ty * gx + tx, threads = gx * gy;
        int m0 = Grid.IdxY * bm, n0 = Grid.IdxX * bn;
        int z = Grid.IdxZ;
        int batch = z / p.Splits;
        int split = z - batch * p.Splits;
        int kBegin = split * p.KChunk;
        int kEnd = kBegin + p.KChunk < p.K ? kBegin + p.KChunk : p.K;
        bool aKMajor = TP.AKMajor(p), bKMajor = TP.BKMajor(p);
        int bOff = bk * bm;
        // When B is stored n-fastest and the group has at least BN threads, each thread keeps one B column for the
        // whole K loop, so the column's index decomposition (divisions) happens once instead of per element.
        bool fixedColumn = !bKMajor && threads >= bn;
        int myColumn = tid % bn, kkFirst = tid / bn, kkStep = threads / bn;
        bool columnValid = n0 + myColumn < p.N;
        var column = TP.PrepareB(p, batch, columnValid ? n0 + myColumn : 0);

        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;

        for (int k0 = kBegin; k0 < kEnd; k0 += bk)
        {
            for (int e = tid; e < bk * bm; e += threads)
            {
                int kk, mm;
                if (aKMajor) { mm = e / bk; kk = e - mm * bk; }
                else { kk = e / bm; mm = e - kk * bm; }
                int m = m0 + mm, k = k0 + kk;
                sh[kk * bm + mm] = m < p.M && k < kEnd ? TP.LoadA(p, a, batch, m, k) : 0f;
            }
            if (fixedColumn)
            {
                // This thread always loads column nn (state prepared once), rows kkFirst, kkFirst + kkStep, ...
                if (tid < kkStep * bn)
                {
                    for (int kk = kkFirst; kk < bk; kk += kkStep)
                    {
                        int k = k0 + kk;
                        sh[bOff + kk * bn + myColumn] = columnValid && k < kEnd ? TP.LoadB(p, b, batch, k, column) : 0f;
                    }
                }
            }
            else
            {
                for (int e = tid; e < bk * bn; e += threads)
                {
                    int kk, nn;
                    if (bKMajor) { nn = e / bk; kk = e - nn * bk; }
                    else { kk = e / bn; nn = e - kk * bn; }
                    int n = n0 + nn, k = k0 + kk;
                    sh[bOff + kk * bn + nn] =
                        n < p.N && k < kEnd ? TP.LoadB(p, b, batch, k, TP.PrepareB(p, batch, n)) : 0f;
                }
            }
            Group.Barrier();
            for (int kk = 0; kk < bk; kk++)
            {
                int ar = kk * bm + ty;
                float a0 = sh[ar], a1 = sh[ar + gy], a2 = sh[ar + 2 * gy], a3 = sh[ar + 3 * gy];
                int br = bOff + kk * bn + tx;
                float b0 = sh[br], b1 = sh[br + gx], b2 = sh[br + 2 * gx], b3 = sh[br + 3 * gx];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            }
            Group.Barrier();
        }

        int r0 = m0 + ty, q0 = n0 + tx;
        StoreRow<TP>(p, c, batch, r0, q0, gx, c00, c01, c02, c03);
        StoreRow<TP>(p, c, batch, r0 + gy, q0, gx, c10, c11, c12, c13);
        StoreRow<TP>(p, c, batch, r0 + 2 * gy, q0, gx, c20, c21, c22, c23);
        StoreRow<TP>(p, c, batch, r0 + 3 * gy, q0, gx, c30, c31, c32, c33);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TP>(TileArgs p, ArrayView<float> c, int batch, int m, int n, int step,
        float v0, float v1, float v2, float v3) where TP : struct, ITiledProblem
    {
        if (m >= p.M) return;
        if (n < p.N) TP.Store(p, c, batch, m, n, v0);
        if (n + step < p.N) TP.Store(p, c, batch, m, n + step, v1);
        if (n + 2 * step < p.N) TP.Store(p, c, batch, m, n + 2 * step, v2);
        if (n + 3 * step < p.N) TP.Store(p, c, batch, m, n + 3 * step, v3);
    }
}

/// <summary>Plain strided-batched row-major GEMM (see <see cref="GemmDescriptor"/>).</summary>
internal readonly struct GemmProblem : ITiledProblem
{
    public static float LoadA(TileArgs p, ArrayView<float> a, int batch, int m, int k) =>
        a[p.OffA + batch * p.StrideA + (p.TransA != 0 ? k * p.Lda + m : m * p.Lda + k)];

    public static ColumnInfo PrepareB(TileArgs p, int batch, int n) =>
        new(p.OffB + batch * p.StrideB + (p.TransB != 0 ? n * p.Ldb : n), p.TransB != 0 ? 1 : p.Ldb, 0);

    public static float LoadB(TileArgs p, ArrayView<float> b, int batch, int k, ColumnInfo column) =>
        b[column.A + k * column.B];

    public static void Store(TileArgs p, ArrayView<float> c, int batch, int m, int n, float value)
    {
        int idx = p.OffC + batch * p.StrideC + m * p.Ldc + n;
        float v = p.Alpha * value;
        if (p.Beta != 0f) v += p.Beta * c[idx];
        c[idx] = v;
    }

    public static bool AKMajor(TileArgs p) => p.TransA == 0;

    public static bool BKMajor(TileArgs p) => p.TransB != 0;
}
