using System.Numerics.Tensors;

namespace Enas.Kernels.Cpu;

public sealed partial class CpuBackend
{
    private const long ElementwiseGrain = 1 << 15;

    /// <inheritdoc />
    public void Unary<TOp>(DeviceBuffer x, DeviceBuffer y, long count) where TOp : struct, IUnaryOp
    {
        if (x.DType == DType.Float64)
        {
            var xs = View<double>(x);
            var ys = View<double>(y);
            for (int i = 0; i < count; i++) ys[i] = TOp.Forward(xs[i]);
            return;
        }
        var bx = (CpuBuffer)x;
        var by = (CpuBuffer)y;
        CpuParallel.For(count, ElementwiseGrain, (s, e) =>
        {
            var xs = bx.AsSpan<float>();
            var ys = by.AsSpan<float>();
            if (typeof(TOp) == typeof(Relu))
            {
                TensorPrimitives.Max(xs[(int)s..(int)e], 0f, ys[(int)s..(int)e]);
                return;
            }
            if (typeof(TOp) == typeof(Tanh))
            {
                TensorPrimitives.Tanh(xs[(int)s..(int)e], ys[(int)s..(int)e]);
                return;
            }
            for (int i = (int)s; i < e; i++) ys[i] = TOp.Forward(xs[i]);
        });
    }

    /// <inheritdoc />
    public void UnaryBackward<TOp>(DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, long count)
        where TOp : struct, IUnaryOp
    {
        if (x.DType == DType.Float64)
        {
            var xs = View<double>(x);
            var ys = View<double>(y);
            var dys = View<double>(dy);
            var dxs = View<double>(dx);
            for (int i = 0; i < count; i++) dxs[i] = TOp.Backward(xs[i], ys[i], dys[i]);
            return;
        }
        var bx = (CpuBuffer)x;
        var by = (CpuBuffer)y;
        var bdy = (CpuBuffer)dy;
        var bdx = (CpuBuffer)dx;
        CpuParallel.For(count, ElementwiseGrain, (s, e) =>
        {
            var xs = bx.AsSpan<float>();
            var ys = by.AsSpan<float>();
            var dys = bdy.AsSpan<float>();
            var dxs = bdx.AsSpan<float>();
            for (int i = (int)s; i < e; i++) dxs[i] = TOp.Backward(xs[i], ys[i], dys[i]);
        });
    }

    /// <inheritdoc />
    public void Binary<TOp>(in BroadcastDescriptor d, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c)
        where TOp : struct, IBinaryOp
    {
        var desc = d;
        if (a.DType == DType.Float64)
        {
            var sa = View<double>(a);
            var sb = View<double>(b);
            var sc = View<double>(c);
            for (long i = 0; i < desc.Length; i++)
            {
                BroadcastOffsets(desc, i, out long ia, out long ib);
                sc[(int)i] = TOp.Forward(sa[(int)ia], sb[(int)ib]);
            }
            return;
        }
        var ba = (CpuBuffer)a;
        var bb = (CpuBuffer)b;
        var bc = (CpuBuffer)c;
        bool same = desc.IsSameShape;
        CpuParallel.For(desc.Length, ElementwiseGrain, (s, e) =>
        {
            var sa = ba.AsSpan<float>();
            var sb = bb.AsSpan<float>();
            var sc = bc.AsSpan<float>();
            int lo = (int)s, hi = (int)e;
            if (same)
            {
                if (typeof(TOp) == typeof(Add)) TensorPrimitives.Add(sa[lo..hi], sb[lo..hi], sc[lo..hi]);
                else if (typeof(TOp) == typeof(Multiply)) TensorPrimitives.Multiply(sa[lo..hi], sb[lo..hi], sc[lo..hi]);
                else if (typeof(TOp) == typeof(Subtract)) TensorPrimitives.Subtract(sa[lo..hi], sb[lo..hi], sc[lo..hi]);
                else for (int i = lo; i < hi; i++) sc[i] = TOp.Forward(sa[i], sb[i]);
                return;
            }
            for (int i = lo; i < hi; i++)
            {
                BroadcastOffsets(desc, i, out long ia, out long ib);
                sc[i] = TOp.Forward(sa[(int)ia], sb[(int)ib]);
            }
        });
    }

    /// <inheritdoc />
    public void BinaryBackward<TOp>(in BroadcastDescriptor d, DeviceBuffer a, DeviceBuffer b, DeviceBuffer dc,
        DeviceBuffer? da, DeviceBuffer? db) where TOp : struct, IBinaryOp
    {
        var desc = d;
        if (a.DType == DType.Float64)
        {
            var sa = View<double>(a);
            var sb = View<double>(b);
            var sdc = View<double>(dc);
            var sda = da is null ? default : View<double>(da);
            var sdb = db is null ? default : View<double>(db);
            for (long i = 0; i < desc.Length; i++)
            {
                BroadcastOffsets(desc, i, out long ia, out long ib);
                if (da is not null) sda[(int)i] = TOp.BackwardA(sa[(int)ia], sb[(int)ib], sdc[(int)i]);
                if (db is not null) sdb[(int)i] = TOp.BackwardB(sa[(int)ia], sb[(int)ib], sdc[(int)i]);
            }
            return;
        }
        var ba = (CpuBuffer)a;
        var bb = (CpuBuffer)b;
        var bdc = (CpuBuffer)dc;
        var bda = (CpuBuffer?)da;
        var bdb = (CpuBuffer?)db;
        CpuParallel.For(desc.Length, ElementwiseGrain, (s, e) =>
        {
            var sa = ba.AsSpan<float>();
            var sb = bb.AsSpan<float>();
            var sdc = bdc.AsSpan<float>();
            var sda = bda is null ? default : bda.AsSpan<float>();
            var sdb = bdb is null ? default : bdb.AsSpan<float>();
            for (long i = s; i < e; i++)
            {
                BroadcastOffsets(desc, i, out long ia, out long ib);
                if (bda is not null) sda[(int)i] = TOp.BackwardA(sa[(int)ia], sb[(int)ib], sdc[(int)i]);
                if (bdb is not null) sdb[(int)i] = TOp.BackwardB(sa[(int)ia], sb[(int)ib], sdc[(int)i]);
            }
        });
    }

    /// <inheritdoc />
    public void ScaleShift(DeviceBuffer x, DeviceBuffer y, long count, double alpha, double beta)
    {
        if (x.DType == DType.Float64)
        {
            var xs = View<double>(x);
            var ys = View<double>(y);
            for (int i = 0; i < count; i++) ys[i] = alpha * xs[i] + beta;
            return;
        }
        var bx = (CpuBuffer)x;
        var by = (CpuBuffer)y;
        float fa = (float)alpha, fb = (float)beta;
        CpuParallel.For(count, ElementwiseGrain, (s, e) =>
        {
            var xs = bx.AsSpan<float>()[(int)s..(int)e];
            var ys = by.AsSpan<float>()[(int)s..(int)e];
            TensorPrimitives.Multiply(xs, fa, ys);
            TensorPrimitives.Add(ys, fb, ys);
        });
    }

    /// <inheritdoc />
    public void Axpy(DeviceBuffer x, DeviceBuffer y, long count, double alpha)
    {
        if (x.DType == DType.Float64)
        {
            var xs = View<double>(x);
            var ys = View<double>(y);
            for (int i = 0; i < count; i++) ys[i] += alpha * xs[i];
            return;
        }
        var bx = (CpuBuffer)x;
        var by = (CpuBuffer)y;
        float fa = (float)alpha;
        CpuParallel.For(count, ElementwiseGrain, (s, e) =>
        {
            var xs = bx.AsSpan<float>()[(int)s..(int)e];
            var ys = by.AsSpan<float>()[(int)s..(int)e];
            TensorPrimitives.MultiplyAdd(xs, fa, ys, ys);
        });
    }

    /// <summary>Offsets into operands A and B of output element <paramref name="i"/>.</summary>
    internal static void BroadcastOffsets(in BroadcastDescriptor d, long i, out long ia, out long ib)
    {
        long d123 = (long)d.D1 * d.D2 * d.D3, d23 = (long)d.D2 * d.D3;
        long i0 = i / d123, r = i - i0 * d123;
        long i1 = r / d23;
        r -= i1 * d23;
        long i2 = r / d.D3, i3 = r - i2 * d.D3;
        ia = i0 * d.A0 + i1 * d.A1 + i2 * d.A2 + i3 * d.A3;
        ib = i0 * d.B0 + i1 * d.B1 + i2 * d.B2 + i3 * d.B3;
    }
}
