namespace Enas.Kernels;

/// <summary>
/// Numpy-style broadcast of two operands to an output, normalised to rank 4 (leading dims of size 1 are added).
/// Strides are in elements and are 0 along a broadcast dimension. The output is dense row-major.
/// </summary>
public readonly record struct BroadcastDescriptor(
    int D0, int D1, int D2, int D3,
    long A0, long A1, long A2, long A3,
    long B0, long B1, long B2, long B3)
{
    /// <summary>Elements of the output.</summary>
    public long Length => (long)D0 * D1 * D2 * D3;

    /// <summary>True when neither operand is broadcast (both dense with the output's shape).</summary>
    public bool IsSameShape => A3 == 1 && B3 == 1 && A2 == D3 && B2 == D3 && A1 == (long)D2 * D3 &&
                               B1 == (long)D2 * D3 && A0 == (long)D1 * D2 * D3 && B0 == (long)D1 * D2 * D3;

    /// <summary>
    /// Builds the descriptor for shapes <paramref name="a"/> and <paramref name="b"/> (each rank 0..4).
    /// Returns null when they cannot be broadcast together.
    /// </summary>
    public static BroadcastDescriptor? Create(ReadOnlySpan<int> a, ReadOnlySpan<int> b, Span<int> outShape)
    {
        if (a.Length > 4 || b.Length > 4) return null;
        int rank = Math.Max(a.Length, b.Length);
        Span<int> da = stackalloc int[4];
        Span<int> db = stackalloc int[4];
        Span<int> dout = stackalloc int[4];
        for (int i = 0; i < 4; i++)
        {
            int ia = i - (4 - a.Length), ib = i - (4 - b.Length);
            da[i] = ia >= 0 ? a[ia] : 1;
            db[i] = ib >= 0 ? b[ib] : 1;
            if (da[i] != db[i] && da[i] != 1 && db[i] != 1) return null;
            dout[i] = Math.Max(da[i], db[i]);
            if (da[i] == 0 || db[i] == 0) dout[i] = 0;
        }
        for (int i = 0; i < rank; i++) outShape[i] = dout[4 - rank + i];
        Span<long> sa = stackalloc long[4];
        Span<long> sb = stackalloc long[4];
        long stA = 1, stB = 1;
        for (int i = 3; i >= 0; i--)
        {
            sa[i] = da[i] == 1 ? 0 : stA;
            sb[i] = db[i] == 1 ? 0 : stB;
            stA *= da[i];
            stB *= db[i];
        }
        // A dimension of size 1 in the output keeps stride 0 on both sides; harmless.
        return new BroadcastDescriptor(dout[0], dout[1], dout[2], dout[3], sa[0], sa[1], sa[2], sa[3],
            sb[0], sb[1], sb[2], sb[3]);
    }
}
