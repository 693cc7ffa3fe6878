using ILGPU;

namespace Enas.Kernels.Gpu.Kernels;

/// <summary>Element offsets of a rank-4 broadcast (int32 copy of <see cref="BroadcastDescriptor"/>).</summary>
internal readonly struct BroadcastArgs
{
    public readonly int D0, D1, D2, D3;
    public readonly int A0, A1, A2, A3;
    public readonly int B0, B1, B2, B3;

    public BroadcastArgs(in BroadcastDescriptor d)
    {
        D0 = d.D0; D1 = d.D1; D2 = d.D2; D3 = d.D3;
        A0 = (int)d.A0; A1 = (int)d.A1; A2 = (int)d.A2; A3 = (int)d.A3;
        B0 = (int)d.B0; B1 = (int)d.B1; B2 = (int)d.B2; B3 = (int)d.B3;
    }
}

/// <summary>Row-wise strided copy arguments (int32 copy of <see cref="StridedCopyDescriptor"/>).</summary>
internal readonly record struct CopyArgs(int RowLength, int SourceOffset, int SourceStride, int DestinationOffset,
    int DestinationStride);

/// <summary>
/// Elementwise kernels: one thread per element (implicitly grouped). The unary/binary kernels are generic over the
/// shared <see cref="IUnaryOp"/>/<see cref="IBinaryOp"/> structs, so each op is written once for CPU and GPU.
/// </summary>
internal static class ElementwiseKernels
{
    /// <summary>y[i] = TOp.Forward(x[i]).</summary>
    public static void Unary<TOp>(Index1D i, ArrayView<float> x, ArrayView<float> y) where TOp : struct, IUnaryOp =>
        y[i] = TOp.Forward(x[i]);

    /// <summary>dx[i] = TOp.Backward(x[i], y[i], dy[i]).</summary>
    public static void UnaryBackward<TOp>(Index1D i, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy,
        ArrayView<float> dx) where TOp : struct, IUnaryOp =>
        dx[i] = TOp.Backward(x[i], y[i], dy[i]);

    /// <summary>c[i] = TOp.Forward(a[i], b[i]) (no broadcast).</summary>
    public static void BinarySame<TOp>(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c)
        where TOp : struct, IBinaryOp =>
        c[i] = TOp.Forward(a[i], b[i]);

    /// <summary>c[i] = TOp.Forward(a[ia], b[ib]) with broadcast offsets.</summary>
    public static void Binary<TOp>(Index1D i, BroadcastArgs d, ArrayView<float> a, ArrayView<float> b,
        ArrayView<float> c) where TOp : struct, IBinaryOp
    {
        Offsets(d, i, out int ia, out int ib);
        c[i] = TOp.Forward(a[ia], b[ib]);
    }

    /// <summary>Full-size gradients; <paramref name="which"/> bit 0 writes da, bit 1 writes db.</summary>
    public static void BinaryBackward<TOp>(Index1D i, BroadcastArgs d, ArrayView<float> a, ArrayView<float> b,
        ArrayView<float> dc, ArrayView<float> da, ArrayView<float> db, int which) where TOp : struct, IBinaryOp
    {
        Offsets(d, i, out int ia, out int ib);
        float av = a[ia], bv = b[ib], g = dc[i];
        if ((which & 1) != 0) da[i] = TOp.BackwardA(av, bv, g);
        if ((which & 2) != 0) db[i] = TOp.BackwardB(av, bv, g);
    }

    /// <summary>y[i] = alpha * x[i] + beta.</summary>
    public static void ScaleShift(Index1D i, ArrayView<float> x, ArrayView<float> y, float alpha, float beta) =>
        y[i] = alpha * x[i] + beta;

    /// <summary>y[i] += alpha * x[i].</summary>
    public static void Axpy(Index1D i, ArrayView<float> x, ArrayView<float> y, float alpha) =>
        y[i] += alpha * x[i];

    /// <summary>view[i] = value.</summary>
    public static void FillFloat(Index1D i, ArrayView<float> view, float value) => view[i] = value;

    /// <summary>view[i] = value.</summary>
    public static void FillInt(Index1D i, ArrayView<int> view, int value) => view[i] = value;

    /// <summary>Bit copy of element i of a row-wise strided copy (thread i = row * RowLength + column).</summary>
    public static void CopyStrided(Index1D i, CopyArgs p, ArrayView<int> source, ArrayView<int> destination)
    {
        int row = i / p.RowLength;
        int col = i - row * p.RowLength;
        destination[p.DestinationOffset + row * p.DestinationStride + col] =
            source[p.SourceOffset + row * p.SourceStride + col];
    }

    /// <summary>Operand offsets of output element <paramref name="i"/>.</summary>
    public static void Offsets(BroadcastArgs d, int i, out int ia, out int ib)
    {
        int i3 = i % d.D3;
        int r = i / d.D3;
        int i2 = r % d.D2;
        r /= d.D2;
        int i1 = r % d.D1;
        int i0 = r / d.D1;
        ia = i0 * d.A0 + i1 * d.A1 + i2 * d.A2 + i3 * d.A3;
        ib = i0 * d.B0 + i1 * d.B1 + i2 * d.B2 + i3 * d.B3;
    }
}
