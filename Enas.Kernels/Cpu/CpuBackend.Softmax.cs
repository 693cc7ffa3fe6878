using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Enas.Kernels.Cpu;

// Row-wise log-softmax: y = x - max - log(sum(exp(x - max))). Rows are independent, so threads take row ranges;
// each row is a handful of vectorised TensorPrimitives passes (float32 and float64 alike).
public sealed partial class CpuBackend
{
    /// <inheritdoc />
    public void LogSoftmax(int rows, int cols, DeviceBuffer x, DeviceBuffer y)
    {
        using var profile = Diagnostics.KernelEvents.Scope("LogSoftmax", (long)rows * cols);
        if (x.DType == DType.Float64) LogSoftmax<double>(rows, cols, (CpuBuffer)x, (CpuBuffer)y);
        else LogSoftmax<float>(rows, cols, (CpuBuffer)x, (CpuBuffer)y);
    }

    /// <inheritdoc />
    public void LogSoftmaxBackward(int rows, int cols, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx)
    {
        using var profile = Diagnostics.KernelEvents.Scope("LogSoftmaxBackward", (long)rows * cols);
        if (y.DType == DType.Float64) LogSoftmaxBackward<double>(rows, cols, (CpuBuffer)y, (CpuBuffer)dy, (CpuBuffer)dx);
        else LogSoftmaxBackward<float>(rows, cols, (CpuBuffer)y, (CpuBuffer)dy, (CpuBuffer)dx);
    }

    private static void LogSoftmax<T>(int rows, int cols, CpuBuffer x, CpuBuffer y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CpuParallel.For(rows, 1 + (1 << 14) / Math.Max(1, cols), (r0, r1) =>
        {
            T[] tmpArr = ArrayPool<T>.Shared.Rent(cols);
            var tmp = tmpArr.AsSpan(0, cols);
            var xs = x.AsSpan<T>();
            var ys = y.AsSpan<T>();
            for (long r = r0; r < r1; r++)
            {
                var xr = xs.Slice((int)(r * cols), cols);
                var yr = ys.Slice((int)(r * cols), cols);
                T max = TensorPrimitives.Max<T>(xr);
                TensorPrimitives.Subtract(xr, max, yr);
                TensorPrimitives.Exp<T>(yr, tmp);
                T logSum = T.Log(TensorPrimitives.Sum<T>(tmp));
                TensorPrimitives.Subtract(yr, logSum, yr);
            }
            ArrayPool<T>.Shared.Return(tmpArr);
        });
    }

    private static void LogSoftmaxBackward<T>(int rows, int cols, CpuBuffer y, CpuBuffer dy, CpuBuffer dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CpuParallel.For(rows, 1 + (1 << 14) / Math.Max(1, cols), (r0, r1) =>
        {
            T[] tmpArr = ArrayPool<T>.Shared.Rent(cols);
            var tmp = tmpArr.AsSpan(0, cols);
            var ys = y.AsSpan<T>();
            var dys = dy.AsSpan<T>();
            var dxs = dx.AsSpan<T>();
            for (long r = r0; r < r1; r++)
            {
                var yr = ys.Slice((int)(r * cols), cols);
                var dyr = dys.Slice((int)(r * cols), cols);
                var dxr = dxs.Slice((int)(r * cols), cols);
                T sum = TensorPrimitives.Sum<T>(dyr);
                TensorPrimitives.Exp<T>(yr, tmp);
                TensorPrimitives.MultiplyAdd(tmp, -sum, dyr, dxr); // dx = dy - exp(y) * sum(dy)
            }
            ArrayPool<T>.Shared.Return(tmpArr);
        });
    }
}
