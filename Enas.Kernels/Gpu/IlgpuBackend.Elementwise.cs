using Enas.Kernels.Diagnostics;
using Enas.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Enas.Kernels.Gpu;

public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    public void Unary<TOp>(DeviceBuffer x, DeviceBuffer y, long count) where TOp : struct, IUnaryOp
    {
        CheckFloat32(x);
        if (count <= 0) return;
        using var scope = KernelEvents.Scope(TOp.Name, count, ShortName);
        // MathF.Tanh becomes tanh.approx.f32 on CUDA (~5e-4 relative error); use the accurate GPU version.
        if (typeof(TOp) == typeof(Tanh)) LaunchUnary<GpuTanh>(x, y, count);
        else LaunchUnary<TOp>(x, y, count);
    }

    private void LaunchUnary<TOp>(DeviceBuffer x, DeviceBuffer y, long count) where TOp : struct, IUnaryOp
    {
        var kernel = _kernels.Get("Unary", typeof(TOp), static a =>
            a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>>(ElementwiseKernels.Unary<TOp>));
        kernel(_stream, (int)count, F(x), F(y));
    }

    /// <inheritdoc />
    public void UnaryBackward<TOp>(DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, long count)
        where TOp : struct, IUnaryOp
    {
        CheckFloat32(x);
        if (count <= 0) return;
        using var scope = KernelEvents.Scope(TOp.Name + "Backward", count, ShortName);
        var kernel = _kernels.Get("UnaryBackward", typeof(TOp), static a =>
            a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(
                ElementwiseKernels.UnaryBackward<TOp>));
        kernel(_stream, (int)count, F(x), F(y), F(dy), F(dx));
    }

    /// <inheritdoc />
    public void Binary<TOp>(in BroadcastDescriptor descriptor, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c)
        where TOp : struct, IBinaryOp
    {
        CheckFloat32(a);
        long length = descriptor.Length;
        if (length <= 0) return;
        using var scope = KernelEvents.Scope(TOp.Name, descriptor, ShortName);
        if (descriptor.IsSameShape)
        {
            var same = _kernels.Get("BinarySame", typeof(TOp), static acc =>
                acc.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(
                    ElementwiseKernels.BinarySame<TOp>));
            same(_stream, (int)length, F(a), F(b), F(c));
            return;
        }
        var kernel = _kernels.Get("Binary", typeof(TOp), static acc =>
            acc.LoadAutoGroupedKernel<Index1D, BroadcastArgs, ArrayView<float>, ArrayView<float>, ArrayView<float>>(
                ElementwiseKernels.Binary<TOp>));
        kernel(_stream, (int)length, new BroadcastArgs(descriptor), F(a), F(b), F(c));
    }

    /// <inheritdoc />
    public void BinaryBackward<TOp>(in BroadcastDescriptor descriptor, DeviceBuffer a, DeviceBuffer b,
        DeviceBuffer dc, DeviceBuffer? da, DeviceBuffer? db) where TOp : struct, IBinaryOp
    {
        CheckFloat32(a);
        long length = descriptor.Length;
        int which = (da is null ? 0 : 1) | (db is null ? 0 : 2);
        if (length <= 0 || which == 0) return;
        using var scope = KernelEvents.Scope(TOp.Name + "Backward", descriptor, ShortName);
        var kernel = _kernels.Get("BinaryBackward", typeof(TOp), static acc =>
            acc.LoadAutoGroupedKernel<Index1D, BroadcastArgs, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ArrayView<float>, ArrayView<float>, int>(ElementwiseKernels.BinaryBackward<TOp>));
        kernel(_stream, (int)length, new BroadcastArgs(descriptor), F(a), F(b), F(dc), OptionalF(da, dc),
            OptionalF(db, dc), which);
    }

    /// <inheritdoc />
    public void ScaleShift(DeviceBuffer x, DeviceBuffer y, long count, double alpha, double beta)
    {
        CheckFloat32(x);
        if (count <= 0) return;
        using var scope = KernelEvents.Scope("ScaleShift", count, ShortName);
        _kernels.Get("ScaleShift", static a =>
            a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, float, float>(
                ElementwiseKernels.ScaleShift))(_stream, (int)count, F(x), F(y), (float)alpha, (float)beta);
    }

    /// <inheritdoc />
    public void Axpy(DeviceBuffer x, DeviceBuffer y, long count, double alpha)
    {
        CheckFloat32(x);
        if (count <= 0) return;
        using var scope = KernelEvents.Scope("Axpy", count, ShortName);
        _kernels.Get("Axpy", static a =>
            a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, float>(ElementwiseKernels.Axpy))(
            _stream, (int)count, F(x), F(y), (float)alpha);
    }

    private Action<AcceleratorStream, Index1D, ArrayView<float>, float> FillFloatKernel =>
        _kernels.Get("FillFloat", static a =>
            a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, float>(ElementwiseKernels.FillFloat));

    private Action<AcceleratorStream, Index1D, ArrayView<int>, int> FillIntKernel =>
        _kernels.Get("FillInt", static a =>
            a.LoadAutoGroupedKernel<Index1D, ArrayView<int>, int>(ElementwiseKernels.FillInt));

    private Action<AcceleratorStream, Index1D, CopyArgs, ArrayView<int>, ArrayView<int>> CopyStridedKernel =>
        _kernels.Get("CopyStrided", static a =>
            a.LoadAutoGroupedKernel<Index1D, CopyArgs, ArrayView<int>, ArrayView<int>>(ElementwiseKernels.CopyStrided));
}
