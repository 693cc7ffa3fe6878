using System.Numerics;
using System.Numerics.Tensors;

namespace Enas.Kernels.Cpu;

public sealed partial class CpuBackend
{
    /// <inheritdoc />
    public void Reduce(in ReduceDescriptor d, DeviceBuffer x, DeviceBuffer y)
    {
        using var profile = Diagnostics.KernelEvents.Scope("Reduce", d);
        if (x.DType == DType.Float64) Reduce<double>(d, (CpuBuffer)x, (CpuBuffer)y);
        else Reduce<float>(d, (CpuBuffer)x, (CpuBuffer)y);
    }

    private static void Reduce<T>(ReduceDescriptor d, CpuBuffer x, CpuBuffer y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T scale = d.Kind == ReduceKind.Mean ? T.One / T.CreateChecked(d.Reduced) : T.One;
        CpuParallel.For(d.Outer, 1 + (1 << 16) / Math.Max(1, d.Reduced * d.Inner), (s, e) =>
        {
            var xs = x.AsSpan<T>();
            var ys = y.AsSpan<T>();
            for (long o = s; o < e; o++)
            {
                var row = ys.Slice((int)(o * d.Inner), (int)d.Inner);
                long baseX = o * d.Reduced * d.Inner;
                if (d.Inner == 1)
                {
                    var seg = xs.Slice((int)baseX, (int)d.Reduced);
                    row[0] = d.Kind == ReduceKind.Max ? MaxOf(seg) : SumOf(seg) * scale;
                    continue;
                }
                xs.Slice((int)baseX, (int)d.Inner).CopyTo(row);
                for (long r = 1; r < d.Reduced; r++)
                {
                    var seg = xs.Slice((int)(baseX + r * d.Inner), (int)d.Inner);
                    if (d.Kind == ReduceKind.Max)
                        for (int i = 0; i < row.Length; i++) row[i] = T.Max(row[i], seg[i]);
                    else
                        for (int i = 0; i < row.Length; i++) row[i] += seg[i];
                }
                if (d.Kind == ReduceKind.Mean)
                    for (int i = 0; i < row.Length; i++) row[i] *= scale;
            }
        });
    }

    private static T SumOf<T>(Span<T> s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return T.CreateTruncating(TensorPrimitives.Sum(Cast<T, float>(s)));
        T acc = T.Zero;
        foreach (var v in s) acc += v;
        return acc;
    }

    private static T MaxOf<T>(Span<T> s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T m = s[0];
        for (int i = 1; i < s.Length; i++) m = T.Max(m, s[i]);
        return m;
    }

    /// <inheritdoc />
    public void ReduceBackward(in ReduceDescriptor d, DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy,
        DeviceBuffer dx)
    {
        using var profile = Diagnostics.KernelEvents.Scope("ReduceBackward", d);
        if (x.DType == DType.Float64)
            ReduceBackward<double>(d, (CpuBuffer)x, (CpuBuffer)y, (CpuBuffer)dy, (CpuBuffer)dx);
        else ReduceBackward<float>(d, (CpuBuffer)x, (CpuBuffer)y, (CpuBuffer)dy, (CpuBuffer)dx);
    }

    private static void ReduceBackward<T>(ReduceDescriptor d, CpuBuffer x, CpuBuffer y, CpuBuffer dy, CpuBuffer dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T scale = d.Kind == ReduceKind.Mean ? T.One / T.CreateChecked(d.Reduced) : T.One;
        CpuParallel.For(d.Outer, 1 + (1 << 16) / Math.Max(1, d.Reduced * d.Inner), (s, e) =>
        {
            var xs = x.AsSpan<T>();
            var ys = y.AsSpan<T>();
            var dys = dy.AsSpan<T>();
            var dxs = dx.AsSpan<T>();
            for (long o = s; o < e; o++)
            {
                long baseX = o * d.Reduced * d.Inner;
                for (long i = 0; i < d.Inner; i++)
                {
                    T g = dys[(int)(o * d.Inner + i)];
                    if (d.Kind != ReduceKind.Max)
                    {
                        for (long r = 0; r < d.Reduced; r++) dxs[(int)(baseX + r * d.Inner + i)] = g * scale;
                        continue;
                    }
                    T m = ys[(int)(o * d.Inner + i)];
                    bool routed = false;
                    for (long r = 0; r < d.Reduced; r++)
                    {
                        int k = (int)(baseX + r * d.Inner + i);
                        bool hit = !routed && xs[k] == m;
                        dxs[k] = hit ? g : T.Zero;
                        routed |= hit;
                    }
                }
            }
        });
    }

    /// <inheritdoc />
    public void SumToBroadcastOperand(in BroadcastDescriptor d, DeviceBuffer full, DeviceBuffer reduced)
    {
        using var profile = Diagnostics.KernelEvents.Scope("SumToBroadcastOperand", d);
        if (full.DType == DType.Float64) SumToOperand<double>(d, (CpuBuffer)full, (CpuBuffer)reduced);
        else SumToOperand<float>(d, (CpuBuffer)full, (CpuBuffer)reduced);
    }

    private static void SumToOperand<T>(BroadcastDescriptor d, CpuBuffer full, CpuBuffer reduced)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Sequential over the output rows: operand offsets repeat, so parallel writes would race. Broadcast operands
        // are small (biases, per-example masks), and the sum is cheap next to the op that produced it. Rows (see
        // BroadcastRows) make it one vector add (dense operand row) or one vector sum (scalar per row) per row.
        var rows = new BroadcastRows(d);
        var fs = full.AsSpan<T>();
        var rs = reduced.AsSpan<T>();
        rs.Clear();
        int len = (int)rows.RowLength;
        for (long r = 0; r < rows.Rows; r++)
        {
            rows.Offsets(r, out long oa, out _);
            var src = fs.Slice((int)(r * len), len);
            if (rows.StrideA == 0)
            {
                rs[(int)oa] += SumOf(src);
                continue;
            }
            var dst = rs.Slice((int)oa, len);
            if (typeof(T) == typeof(float))
                TensorPrimitives.Add(Cast<T, float>(dst), Cast<T, float>(src), Cast<T, float>(dst));
            else
                for (int i = 0; i < len; i++) dst[i] += src[i];
        }
    }

    /// <inheritdoc />
    public double SquaredNorm(DeviceBuffer x, long count)
    {
        using var profile = Diagnostics.KernelEvents.Scope("SquaredNorm", count);
        if (x.DType == DType.Float64)
        {
            var s = View<double>(x)[..(int)count];
            double acc = 0;
            foreach (var v in s) acc += v * v;
            return acc;
        }
        return TensorPrimitives.SumOfSquares(View<float>(x)[..(int)count]);
    }
}
