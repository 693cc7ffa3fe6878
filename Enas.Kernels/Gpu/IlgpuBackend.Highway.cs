using Enas.Kernels.Diagnostics;
using Enas.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Enas.Kernels.Gpu;

public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    public void Highway<TAct>(int rows, int hidden, DeviceBuffer pre, DeviceBuffer prev, DeviceBuffer y)
        where TAct : struct, IUnaryOp
    {
        CheckFloat32(pre);
        long count = (long)rows * hidden;
        if (count <= 0) return;
        using var scope = KernelEvents.Scope("Highway" + TAct.Name, count, ShortName);
        // tanh as everywhere on the GPU: the accurate version, not ILGPU's tanh.approx
        if (typeof(TAct) == typeof(Tanh)) LaunchHighway<GpuTanh>(count, hidden, pre, prev, y);
        else LaunchHighway<TAct>(count, hidden, pre, prev, y);
    }

    private void LaunchHighway<TAct>(long count, int hidden, DeviceBuffer pre, DeviceBuffer prev, DeviceBuffer y)
        where TAct : struct, IUnaryOp
    {
        var kernel = _kernels.Get("Highway", typeof(TAct), static a =>
            a.LoadAutoGroupedKernel<Index1D, int, ArrayView<float>, ArrayView<float>, ArrayView<float>>(
                HighwayKernels.Forward<TAct>));
        kernel(_stream, (int)count, hidden, F(pre), F(prev), F(y));
    }

    /// <inheritdoc />
    public void HighwayBackward<TAct>(int rows, int hidden, DeviceBuffer pre, DeviceBuffer prev, DeviceBuffer dy,
        DeviceBuffer? dpre, DeviceBuffer? dprev) where TAct : struct, IUnaryOp
    {
        CheckFloat32(pre);
        long count = (long)rows * hidden;
        if (count <= 0) return;
        using var scope = KernelEvents.Scope("Highway" + TAct.Name + "Backward", count, ShortName);
        if (dpre is not null)
        {
            if (typeof(TAct) == typeof(Tanh)) LaunchHighwayBackwardPre<GpuTanh>(count, hidden, pre, prev, dy, dpre);
            else LaunchHighwayBackwardPre<TAct>(count, hidden, pre, prev, dy, dpre);
        }
        if (dprev is not null)
        {
            var kernel = _kernels.Get("HighwayBackwardPrev", static a =>
                a.LoadAutoGroupedKernel<Index1D, int, ArrayView<float>, ArrayView<float>, ArrayView<float>>(
                    HighwayKernels.BackwardPrev));
            kernel(_stream, (int)count, hidden, F(pre), F(dy), F(dprev));
        }
    }

    private void LaunchHighwayBackwardPre<TAct>(long count, int hidden, DeviceBuffer pre, DeviceBuffer prev,
        DeviceBuffer dy, DeviceBuffer dpre) where TAct : struct, IUnaryOp
    {
        var kernel = _kernels.Get("HighwayBackwardPre", typeof(TAct), static a =>
            a.LoadAutoGroupedKernel<Index1D, int, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ArrayView<float>>(HighwayKernels.BackwardPre<TAct>));
        kernel(_stream, (int)count, hidden, F(pre), F(prev), F(dy), F(dpre));
    }
}
