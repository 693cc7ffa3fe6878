using System.Numerics;
using System.Runtime.CompilerServices;

namespace Enas.Kernels.Cpu;

/// <summary>
/// Blocked GEMM drivers. Float32: BLIS-style loops (NC columns -> KC depth -> pack B -> MC rows -> pack A -> NR x MR
/// micro-tiles) over <see cref="GemmKernels"/>. Float64 (gradient checks only) uses a plain row-axpy loop.
/// All drivers compute C = alpha * op(A) * op(B) + beta * C on one thread; beta == 0 ignores C's contents.
/// </summary>
[SkipLocalsInit]
internal static unsafe class Sgemm
{
    /// <summary>Depth of one packed block (B micro-panel KC x 32 floats = 32 KiB stays in L1).</summary>
    public const int KC = 256;

    /// <summary>Rows of one packed A block (MC x KC floats = 96 KiB stays in L2).</summary>
    public const int MC = 96;

    /// <summary>Columns of one packed B block.</summary>
    public const int NC = 2048;

    /// <summary>Single-threaded float32 GEMM on raw pointers (leading dimensions in elements).</summary>
    public static void Serial(bool transA, bool transB, int m, int n, int k, float alpha, float* a, long lda,
        float* b, long ldb, float beta, float* c, long ldc)
    {
        var packer = new MatrixPackB(transB, b, ldb);
        Packed(ref packer, transA, m, n, k, alpha, a, lda, beta, c, ldc, NC);
    }

    /// <summary>
    /// Single-threaded float32 GEMM whose B operand is produced block by block by <paramref name="packB"/> (a plain
    /// matrix, or an image read through im2col addressing). <paramref name="ncBlock"/> bounds the packed B block.
    /// </summary>
    public static void Packed<TPack>(ref TPack packB, bool transA, int m, int n, int k, float alpha, float* a,
        long lda, float beta, float* c, long ldc, int ncBlock) where TPack : struct, IPackB
    {
        if (m <= 0 || n <= 0) return;
        if (alpha == 0f || k <= 0)
        {
            ScaleRows(m, n, beta, c, ldc);
            return;
        }
        bool wide = GemmKernels.Wide;
        int nrFull = wide ? 32 : 16;
        ncBlock = RoundUp(ncBlock, nrFull);
        int ncMax = Math.Min(ncBlock, RoundUp(n, nrFull));
        // Balanced depth blocks (324 -> 162 + 162 rather than 256 + 68).
        int kBlocks = (k + KC - 1) / KC, kcStep = (k + kBlocks - 1) / kBlocks;
        float* pa = CpuScratch.Get<float>(CpuScratch.Slot.PackA, (long)RoundUp(Math.Min(MC, m), GemmKernels.MR) * kcStep);
        float* pb = CpuScratch.Get<float>(CpuScratch.Slot.PackB, (long)ncMax * kcStep);
        for (int jc = 0; jc < n; jc += ncBlock)
        {
            int nc = Math.Min(ncBlock, n - jc);
            for (int pc = 0; pc < k; pc += kcStep)
            {
                int kc = Math.Min(kcStep, k - pc);
                float betaBlock = pc == 0 ? beta : 1f;
                packB.Pack(pc, jc, kc, nc, nrFull, pb);
                for (int ic = 0; ic < m; ic += MC)
                {
                    int mc = Math.Min(MC, m - ic);
                    GemmKernels.PackA(transA, a, lda, ic, pc, mc, kc, pa);
                    for (int jr = 0; jr < nc; jr += nrFull)
                    {
                        int nr = Math.Min(nrFull, nc - jr);
                        float* bp = pb + (long)jr * kc;
                        for (int ir = 0; ir < mc; ir += GemmKernels.MR)
                        {
                            int mr = Math.Min(GemmKernels.MR, mc - ir);
                            float* cp = c + (ic + ir) * ldc + jc + jr;
                            if (wide) GemmKernels.Kernel512(kc, pa + (long)ir * kc, bp, cp, ldc, mr, nr, alpha, betaBlock);
                            else GemmKernels.Kernel256(kc, pa + (long)ir * kc, bp, cp, ldc, mr, nr, alpha, betaBlock);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Single-threaded generic GEMM (float64 path): row axpys, exact enough for gradient checks.</summary>
    public static void SerialNaive<T>(bool transA, bool transB, int m, int n, int k, T alpha, T* a, long lda, T* b,
        long ldb, T beta, T* c, long ldc) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < m; i++)
        {
            T* row = c + i * ldc;
            if (beta == T.Zero) new Span<T>(row, n).Clear();
            else if (beta != T.One) for (int j = 0; j < n; j++) row[j] *= beta;
            for (int p = 0; p < k; p++)
            {
                T aip = alpha * (transA ? a[p * lda + i] : a[i * lda + p]);
                if (transB)
                {
                    for (int j = 0; j < n; j++) row[j] += aip * b[j * ldb + p];
                }
                else
                {
                    T* brow = b + p * ldb;
                    for (int j = 0; j < n; j++) row[j] += aip * brow[j];
                }
            }
        }
    }

    /// <summary>Dispatches one single-threaded GEMM by element type.</summary>
    public static void SerialAny<T>(bool transA, bool transB, int m, int n, int k, float alpha, T* a, long lda,
        T* b, long ldb, float beta, T* c, long ldc) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
            Serial(transA, transB, m, n, k, alpha, (float*)a, lda, (float*)b, ldb, beta, (float*)c, ldc);
        else
            SerialNaive(transA, transB, m, n, k, T.CreateChecked(alpha), a, lda, b, ldb, T.CreateChecked(beta), c, ldc);
    }

    /// <summary>
    /// A full strided-batched GEMM on up to <see cref="CpuParallel.MaxThreads"/> threads: whole batches per thread
    /// when there are enough of them, otherwise each product is split into column (or row) ranges.
    /// </summary>
    public static void Run<T>(in GemmDescriptor d, T* a, T* b, T* c) where T : unmanaged, INumber<T>
    {
        var desc = d;
        int threads = CpuParallel.MaxThreads;
        double flopsPerBatch = 2.0 * d.M * d.N * d.K;
        if (threads == 1 || d.BatchCount * flopsPerBatch < 1 << 19 || typeof(T) != typeof(float))
        {
            for (int bi = 0; bi < d.BatchCount; bi++) One(desc, bi, a, b, c, 0, desc.M, 0, desc.N);
            return;
        }
        if (d.BatchCount >= threads)
        {
            CpuParallel.For(d.BatchCount, 1, (s, e) =>
            {
                for (long bi = s; bi < e; bi++) One(desc, (int)bi, a, b, c, 0, desc.M, 0, desc.N);
            });
            return;
        }
        int nr = GemmKernels.NR, mr = GemmKernels.MR;
        bool splitN = d.N >= 2 * nr && d.N / nr >= d.M / mr;
        int units = splitN ? (d.N + nr - 1) / nr : (d.M + mr - 1) / mr;
        int parts = Math.Min(threads, units);
        for (int bi = 0; bi < d.BatchCount; bi++)
        {
            int batch = bi;
            CpuParallel.ForParts(parts, p =>
            {
                int u0 = (int)((long)units * p / parts), u1 = (int)((long)units * (p + 1) / parts);
                if (splitN) One(desc, batch, a, b, c, 0, desc.M, u0 * nr, Math.Min(desc.N, u1 * nr));
                else One(desc, batch, a, b, c, u0 * mr, Math.Min(desc.M, u1 * mr), 0, desc.N);
            });
        }
    }

    private static void One<T>(GemmDescriptor d, int batch, T* a, T* b, T* c, int i0, int i1, int j0, int j1)
        where T : unmanaged, INumber<T>
    {
        if (i1 <= i0 || j1 <= j0) return;
        long lda = d.LeadingA, ldb = d.LeadingB, ldc = d.LeadingC;
        T* ab = a + d.OffsetA + batch * d.StrideA + (d.TransA ? i0 : i0 * lda);
        T* bb = b + d.OffsetB + batch * d.StrideB + (d.TransB ? j0 * ldb : j0);
        T* cb = c + d.OffsetC + batch * d.StrideC + i0 * ldc + j0;
        SerialAny(d.TransA, d.TransB, i1 - i0, j1 - j0, d.K, d.Alpha, ab, lda, bb, ldb, d.Beta, cb, ldc);
    }

    private static void ScaleRows(int m, int n, float beta, float* c, long ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + i * ldc, n);
            if (beta == 0f) row.Clear();
            else for (int j = 0; j < n; j++) row[j] *= beta;
        }
    }

    private static int RoundUp(int x, int to) => (x + to - 1) / to * to;
}
