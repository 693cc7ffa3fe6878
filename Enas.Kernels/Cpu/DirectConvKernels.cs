using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Enas.Kernels.Cpu;

/// <summary>
/// Register-blocked kernels of <see cref="DirectConv"/>. The input image is zero padded, so tap (c, r, s) of 32
/// consecutive output pixels is 32 consecutive floats at a fixed offset (c * plane + r * paddedW + s) from the
/// pixels' base: the kernels read B straight from the padded image through a table of tap offsets, without packing.
/// </summary>
[SkipLocalsInit]
internal static unsafe class DirectConvKernels
{
    /// <summary>Output channels per register tile of the forward kernel.</summary>
    public const int MR = 6;

    /// <summary>Pixels per register tile of the forward kernel (two zmm).</summary>
    public const int NR = 32;

    /// <summary>Output channels per weight-gradient tile.</summary>
    public const int DotM = 6;

    /// <summary>Taps per weight-gradient tile.</summary>
    public const int DotN = 4;

    /// <summary>
    /// c [6 x 32] (row stride ldc) = a x B over taps q &lt; taps, where a is packed [taps][6] and B row q is the 32
    /// floats at b + off[q]. 12 zmm accumulators; the sum over all taps is written once (no read of c).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(int taps, float* a, float* b, int* off, float* c, long ldc)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int q = 0; q < taps; q++)
        {
            float* bq = b + off[q];
            var b0 = Vector512.Load(bq);
            var b1 = Vector512.Load(bq + 16);
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
        }
        c00.Store(c); c01.Store(c + 16);
        c += ldc;
        c10.Store(c); c11.Store(c + 16);
        c += ldc;
        c20.Store(c); c21.Store(c + 16);
        c += ldc;
        c30.Store(c); c31.Store(c + 16);
        c += ldc;
        c40.Store(c); c41.Store(c + 16);
        c += ldc;
        c50.Store(c); c51.Store(c + 16);
    }

    /// <summary>
    /// Two panels at once: c0 [6 x 32] from taps at b0 + off[q] and c1 [6 x 32] from b1 + off[q], sharing each
    /// broadcast weight (24 zmm accumulators; the weights stream once per two panels).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward2(int taps, float* a, float* b0, float* b1, int* off, float* c0, float* c1, long ldc)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> d00 = default, d01 = default, d10 = default, d11 = default, d20 = default, d21 = default;
        Vector512<float> d30 = default, d31 = default, d40 = default, d41 = default, d50 = default, d51 = default;
        for (int q = 0; q < taps; q++)
        {
            int o = off[q];
            var x0 = Vector512.Load(b0 + o);
            var x1 = Vector512.Load(b0 + o + 16);
            var y0 = Vector512.Load(b1 + o);
            var y1 = Vector512.Load(b1 + o + 16);
            var av = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(av, x0, c00); c01 = Vector512.FusedMultiplyAdd(av, x1, c01);
            d00 = Vector512.FusedMultiplyAdd(av, y0, d00); d01 = Vector512.FusedMultiplyAdd(av, y1, d01);
            av = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(av, x0, c10); c11 = Vector512.FusedMultiplyAdd(av, x1, c11);
            d10 = Vector512.FusedMultiplyAdd(av, y0, d10); d11 = Vector512.FusedMultiplyAdd(av, y1, d11);
            av = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(av, x0, c20); c21 = Vector512.FusedMultiplyAdd(av, x1, c21);
            d20 = Vector512.FusedMultiplyAdd(av, y0, d20); d21 = Vector512.FusedMultiplyAdd(av, y1, d21);
            av = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(av, x0, c30); c31 = Vector512.FusedMultiplyAdd(av, x1, c31);
            d30 = Vector512.FusedMultiplyAdd(av, y0, d30); d31 = Vector512.FusedMultiplyAdd(av, y1, d31);
            av = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(av, x0, c40); c41 = Vector512.FusedMultiplyAdd(av, x1, c41);
            d40 = Vector512.FusedMultiplyAdd(av, y0, d40); d41 = Vector512.FusedMultiplyAdd(av, y1, d41);
            av = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(av, x0, c50); c51 = Vector512.FusedMultiplyAdd(av, x1, c51);
            d50 = Vector512.FusedMultiplyAdd(av, y0, d50); d51 = Vector512.FusedMultiplyAdd(av, y1, d51);
            a += MR;
        }
        Store6(c0, ldc, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
        Store6(c1, ldc, d00, d01, d10, d11, d20, d21, d30, d31, d40, d41, d50, d51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store6(float* c, long ldc, Vector512<float> v00, Vector512<float> v01, Vector512<float> v10,
        Vector512<float> v11, Vector512<float> v20, Vector512<float> v21, Vector512<float> v30, Vector512<float> v31,
        Vector512<float> v40, Vector512<float> v41, Vector512<float> v50, Vector512<float> v51)
    {
        v00.Store(c); v01.Store(c + 16);
        c += ldc;
        v10.Store(c); v11.Store(c + 16);
        c += ldc;
        v20.Store(c); v21.Store(c + 16);
        c += ldc;
        v30.Store(c); v31.Store(c + 16);
        c += ldc;
        v40.Store(c); v41.Store(c + 16);
        c += ldc;
        v50.Store(c); v51.Store(c + 16);
    }

    /// <summary>
    /// c[i, j] += sum over pixels of a_i x b_j for a 6 x 4 tile: a_i = a + i * lda (output-channel gradient rows),
    /// b_j = b + off[j] (shifted padded-image rows). Pixels come as <paramref name="rows"/> runs of
    /// <paramref name="len"/> (a multiple of 16) floats, the runs <paramref name="aStep"/> / <paramref name="bStep"/>
    /// apart. 24 zmm dot-product accumulators, reduced once at the end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot(int rows, int len, float* a, long lda, long aStep, float* b, int* off, long bStep,
        float* c, long ldc)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector512<float> c40 = default, c41 = default, c42 = default, c43 = default;
        Vector512<float> c50 = default, c51 = default, c52 = default, c53 = default;
        float* b0 = b + off[0], b1 = b + off[1], b2 = b + off[2], b3 = b + off[3];
        for (int row = 0; row < rows; row++)
        {
            float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda;
            for (int p = 0; p < len; p += 16)
            {
                var v0 = Vector512.Load(b0 + p);
                var v1 = Vector512.Load(b1 + p);
                var v2 = Vector512.Load(b2 + p);
                var v3 = Vector512.Load(b3 + p);
                var av = Vector512.Load(a0 + p);
                c00 = Vector512.FusedMultiplyAdd(av, v0, c00);
                c01 = Vector512.FusedMultiplyAdd(av, v1, c01);
                c02 = Vector512.FusedMultiplyAdd(av, v2, c02);
                c03 = Vector512.FusedMultiplyAdd(av, v3, c03);
                av = Vector512.Load(a1 + p);
                c10 = Vector512.FusedMultiplyAdd(av, v0, c10);
                c11 = Vector512.FusedMultiplyAdd(av, v1, c11);
                c12 = Vector512.FusedMultiplyAdd(av, v2, c12);
                c13 = Vector512.FusedMultiplyAdd(av, v3, c13);
                av = Vector512.Load(a2 + p);
                c20 = Vector512.FusedMultiplyAdd(av, v0, c20);
                c21 = Vector512.FusedMultiplyAdd(av, v1, c21);
                c22 = Vector512.FusedMultiplyAdd(av, v2, c22);
                c23 = Vector512.FusedMultiplyAdd(av, v3, c23);
                av = Vector512.Load(a3 + p);
                c30 = Vector512.FusedMultiplyAdd(av, v0, c30);
                c31 = Vector512.FusedMultiplyAdd(av, v1, c31);
                c32 = Vector512.FusedMultiplyAdd(av, v2, c32);
                c33 = Vector512.FusedMultiplyAdd(av, v3, c33);
                av = Vector512.Load(a4 + p);
                c40 = Vector512.FusedMultiplyAdd(av, v0, c40);
                c41 = Vector512.FusedMultiplyAdd(av, v1, c41);
                c42 = Vector512.FusedMultiplyAdd(av, v2, c42);
                c43 = Vector512.FusedMultiplyAdd(av, v3, c43);
                av = Vector512.Load(a5 + p);
                c50 = Vector512.FusedMultiplyAdd(av, v0, c50);
                c51 = Vector512.FusedMultiplyAdd(av, v1, c51);
                c52 = Vector512.FusedMultiplyAdd(av, v2, c52);
                c53 = Vector512.FusedMultiplyAdd(av, v3, c53);
            }
            a += aStep;
            b0 += bStep; b1 += bStep; b2 += bStep; b3 += bStep;
        }
        Reduce4(c, c00, c01, c02, c03);
        Reduce4(c + ldc, c10, c11, c12, c13);
        Reduce4(c + 2 * ldc, c20, c21, c22, c23);
        Reduce4(c + 3 * ldc, c30, c31, c32, c33);
        Reduce4(c + 4 * ldc, c40, c41, c42, c43);
        Reduce4(c + 5 * ldc, c50, c51, c52, c53);
    }

    /// <summary>
    /// <see cref="Dot"/> for runs of exactly 32 pixels (output rows of 32): both vector steps of a row unrolled, so
    /// the row loop is the only loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot32(int rows, float* a, long lda, long aStep, float* b, int* off, long bStep, float* c,
        long ldc)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector512<float> c40 = default, c41 = default, c42 = default, c43 = default;
        Vector512<float> c50 = default, c51 = default, c52 = default, c53 = default;
        float* b0 = b + off[0], b1 = b + off[1], b2 = b + off[2], b3 = b + off[3];
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda;
        for (int row = 0; row < rows; row++)
        {
            {
                var v0 = Vector512.Load(b0);
                var v1 = Vector512.Load(b1);
                var v2 = Vector512.Load(b2);
                var v3 = Vector512.Load(b3);
                var av = Vector512.Load(a0);
                c00 = Vector512.FusedMultiplyAdd(av, v0, c00); c01 = Vector512.FusedMultiplyAdd(av, v1, c01);
                c02 = Vector512.FusedMultiplyAdd(av, v2, c02); c03 = Vector512.FusedMultiplyAdd(av, v3, c03);
                av = Vector512.Load(a1);
                c10 = Vector512.FusedMultiplyAdd(av, v0, c10); c11 = Vector512.FusedMultiplyAdd(av, v1, c11);
                c12 = Vector512.FusedMultiplyAdd(av, v2, c12); c13 = Vector512.FusedMultiplyAdd(av, v3, c13);
                av = Vector512.Load(a2);
                c20 = Vector512.FusedMultiplyAdd(av, v0, c20); c21 = Vector512.FusedMultiplyAdd(av, v1, c21);
                c22 = Vector512.FusedMultiplyAdd(av, v2, c22); c23 = Vector512.FusedMultiplyAdd(av, v3, c23);
                av = Vector512.Load(a3);
                c30 = Vector512.FusedMultiplyAdd(av, v0, c30); c31 = Vector512.FusedMultiplyAdd(av, v1, c31);
                c32 = Vector512.FusedMultiplyAdd(av, v2, c32); c33 = Vector512.FusedMultiplyAdd(av, v3, c33);
                av = Vector512.Load(a4);
                c40 = Vector512.FusedMultiplyAdd(av, v0, c40); c41 = Vector512.FusedMultiplyAdd(av, v1, c41);
                c42 = Vector512.FusedMultiplyAdd(av, v2, c42); c43 = Vector512.FusedMultiplyAdd(av, v3, c43);
                av = Vector512.Load(a5);
                c50 = Vector512.FusedMultiplyAdd(av, v0, c50); c51 = Vector512.FusedMultiplyAdd(av, v1, c51);
                c52 = Vector512.FusedMultiplyAdd(av, v2, c52); c53 = Vector512.FusedMultiplyAdd(av, v3, c53);
            }
            {
                var v0 = Vector512.Load(b0 + 16);
                var v1 = Vector512.Load(b1 + 16);
                var v2 = Vector512.Load(b2 + 16);
                var v3 = Vector512.Load(b3 + 16);
                var av = Vector512.Load(a0 + 16);
                c00 = Vector512.FusedMultiplyAdd(av, v0, c00); c01 = Vector512.FusedMultiplyAdd(av, v1, c01);
                c02 = Vector512.FusedMultiplyAdd(av, v2, c02); c03 = Vector512.FusedMultiplyAdd(av, v3, c03);
                av = Vector512.Load(a1 + 16);
                c10 = Vector512.FusedMultiplyAdd(av, v0, c10); c11 = Vector512.FusedMultiplyAdd(av, v1, c11);
                c12 = Vector512.FusedMultiplyAdd(av, v2, c12); c13 = Vector512.FusedMultiplyAdd(av, v3, c13);
                av = Vector512.Load(a2 + 16);
                c20 = Vector512.FusedMultiplyAdd(av, v0, c20); c21 = Vector512.FusedMultiplyAdd(av, v1, c21);
                c22 = Vector512.FusedMultiplyAdd(av, v2, c22); c23 = Vector512.FusedMultiplyAdd(av, v3, c23);
                av = Vector512.Load(a3 + 16);
                c30 = Vector512.FusedMultiplyAdd(av, v0, c30); c31 = Vector512.FusedMultiplyAdd(av, v1, c31);
                c32 = Vector512.FusedMultiplyAdd(av, v2, c32); c33 = Vector512.FusedMultiplyAdd(av, v3, c33);
                av = Vector512.Load(a4 + 16);
                c40 = Vector512.FusedMultiplyAdd(av, v0, c40); c41 = Vector512.FusedMultiplyAdd(av, v1, c41);
                c42 = Vector512.FusedMultiplyAdd(av, v2, c42); c43 = Vector512.FusedMultiplyAdd(av, v3, c43);
                av = Vector512.Load(a5 + 16);
                c50 = Vector512.FusedMultiplyAdd(av, v0, c50); c51 = Vector512.FusedMultiplyAdd(av, v1, c51);
                c52 = Vector512.FusedMultiplyAdd(av, v2, c52); c53 = Vector512.FusedMultiplyAdd(av, v3, c53);
            }
            a0 += aStep; a1 += aStep; a2 += aStep; a3 += aStep; a4 += aStep; a5 += aStep;
            b0 += bStep; b1 += bStep; b2 += bStep; b3 += bStep;
        }
        Reduce4(c, c00, c01, c02, c03);
        Reduce4(c + ldc, c10, c11, c12, c13);
        Reduce4(c + 2 * ldc, c20, c21, c22, c23);
        Reduce4(c + 3 * ldc, c30, c31, c32, c33);
        Reduce4(c + 4 * ldc, c40, c41, c42, c43);
        Reduce4(c + 5 * ldc, c50, c51, c52, c53);
    }

    /// <summary>c[j] += horizontal sum of v_j for four vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Reduce4(float* c, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2,
        Vector512<float> v3)
    {
        // Fold each to 8 lanes, then three horizontal adds leave [sum v0, sum v1, sum v2, sum v3] in 128 bits.
        var a = v0.GetLower() + v0.GetUpper();
        var b = v1.GetLower() + v1.GetUpper();
        var d = v2.GetLower() + v2.GetUpper();
        var e = v3.GetLower() + v3.GetUpper();
        var all = Avx.HorizontalAdd(Avx.HorizontalAdd(a, b), Avx.HorizontalAdd(d, e));
        (Vector128.Load(c) + all.GetLower() + all.GetUpper()).Store(c);
    }

    /// <summary>Edge tiles of <see cref="Dot"/> (mi &lt;= 6 channels, nj &lt;= 4 taps), one accumulator per pair.</summary>
    public static void DotEdge(int mi, int nj, int rows, int len, float* a, long lda, long aStep, float* b, int* off,
        long bStep, float* c, long ldc)
    {
        for (int i = 0; i < mi; i++)
        for (int j = 0; j < nj; j++)
        {
            Vector512<float> s = default;
            float* ai = a + i * lda, bj = b + off[j];
            for (int row = 0; row < rows; row++, ai += aStep, bj += bStep)
                for (int p = 0; p < len; p += 16)
                    s = Vector512.FusedMultiplyAdd(Vector512.Load(ai + p), Vector512.Load(bj + p), s);
            c[i * ldc + j] += Vector512.Sum(s);
        }
    }
}
