using System.Runtime.CompilerServices;

namespace Enas.Kernels.Cpu;

/// <summary>
/// A broadcast descriptor regrouped into rows: size-1 output dimensions are dropped and trailing dimensions along
/// which both operands are contiguous (or both broadcast) are merged, so the output is <see cref="Rows"/> dense rows
/// of <see cref="RowLength"/> elements in which each operand has element stride 0 or 1. A per-channel operand
/// [1, C, 1, 1] against [N, C, H, W] becomes N*C rows of H*W with a scalar B per row; a bias [K] against [N, K] becomes
/// N rows with a dense B. Row offsets cost one division per dimension per row, not per element.
/// </summary>
internal readonly struct BroadcastRows
{
    private readonly long _o0, _o1, _o2; // outer extents (o0 outermost)
    private readonly long _a0, _a1, _a2, _b0, _b1, _b2; // operand strides of the outer dims

    public BroadcastRows(in BroadcastDescriptor d)
    {
        Span<long> dims = stackalloc long[4];
        Span<long> sa = stackalloc long[4];
        Span<long> sb = stackalloc long[4];
        int n = 0;
        long[] srcDims = [d.D0, d.D1, d.D2, d.D3];
        long[] srcA = [d.A0, d.A1, d.A2, d.A3];
        long[] srcB = [d.B0, d.B1, d.B2, d.B3];
        for (int i = 0; i < 4; i++)
        {
            if (srcDims[i] == 1) continue;
            dims[n] = srcDims[i];
            sa[n] = srcA[i];
            sb[n] = srcB[i];
            n++;
        }
        if (n == 0)
        {
            dims[0] = 1;
            n = 1;
        }
        while (n > 1 && sa[n - 2] == sa[n - 1] * dims[n - 1] && sb[n - 2] == sb[n - 1] * dims[n - 1])
        {
            dims[n - 2] *= dims[n - 1];
            sa[n - 2] = sa[n - 1];
            sb[n - 2] = sb[n - 1];
            n--;
        }
        RowLength = dims[n - 1];
        StrideA = sa[n - 1];
        StrideB = sb[n - 1];
        // Up to three outer dimensions remain; pad at the front with extent 1.
        Span<long> od = stackalloc long[3] { 1, 1, 1 };
        Span<long> oa = stackalloc long[3];
        Span<long> ob = stackalloc long[3];
        for (int i = 0; i < n - 1; i++)
        {
            int k = 3 - (n - 1) + i;
            od[k] = dims[i];
            oa[k] = sa[i];
            ob[k] = sb[i];
        }
        (_o0, _o1, _o2) = (od[0], od[1], od[2]);
        (_a0, _a1, _a2) = (oa[0], oa[1], oa[2]);
        (_b0, _b1, _b2) = (ob[0], ob[1], ob[2]);
    }

    /// <summary>Number of rows.</summary>
    public long Rows => _o0 * _o1 * _o2;

    /// <summary>Elements per row (the output row r starts at r * RowLength).</summary>
    public long RowLength { get; }

    /// <summary>Element stride of operand A within a row (0: one value per row, or 1).</summary>
    public long StrideA { get; }

    /// <summary>Element stride of operand B within a row (0 or 1).</summary>
    public long StrideB { get; }

    /// <summary>Start offsets of row <paramref name="r"/> in operands A and B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Offsets(long r, out long a, out long b)
    {
        long i2 = r % _o2;
        r /= _o2;
        long i1 = r % _o1, i0 = r / _o1;
        a = i0 * _a0 + i1 * _a1 + i2 * _a2;
        b = i0 * _b0 + i1 * _b1 + i2 * _b2;
    }

    /// <summary>Rows per parallel task so that each holds about 32k elements.</summary>
    public long Grain => 1 + (1 << 15) / Math.Max(1, RowLength);
}
