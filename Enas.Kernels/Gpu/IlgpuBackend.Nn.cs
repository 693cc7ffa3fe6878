using Enas.Kernels.Diagnostics;
using Enas.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Enas.Kernels.Gpu;

public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    public void Pool2DForward(in Pool2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer y)
    {
        CheckFloat32(x);
        using var scope = KernelEvents.Scope("Pool2DForward", descriptor, ShortName);
        _kernels.Get("PoolForward", static a =>
            a.LoadAutoGroupedKernel<Index1D, PoolArgs, ArrayView<float>, ArrayView<float>>(PoolKernels.Forward))(
            _stream, (int)descriptor.OutputLength, PoolArgs.From(descriptor), F(x), F(y));
    }

    /// <inheritdoc />
    public void Pool2DBackward(in Pool2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy,
        DeviceBuffer dx)
    {
        CheckFloat32(x);
        using var scope = KernelEvents.Scope("Pool2DBackward", descriptor, ShortName);
        _kernels.Get("PoolBackward", static a =>
            a.LoadAutoGroupedKernel<Index1D, PoolArgs, ArrayView<float>, ArrayView<float>, ArrayView<float>>(
                PoolKernels.Backward))(_stream, (int)descriptor.InputLength, PoolArgs.From(descriptor), F(x), F(dy),
            F(dx));
    }

    /// <inheritdoc />
    public void BatchNormForwardTraining(in BatchNormDescriptor descriptor, DeviceBuffer x, DeviceBuffer? gamma,
        DeviceBuffer? beta, DeviceBuffer y, DeviceBuffer saveMean, DeviceBuffer saveInvStd,
        DeviceBuffer? runningMean, DeviceBuffer? runningVar)
    {
        CheckFloat32(x);
        var d = descriptor;
        using var scope = KernelEvents.Scope("BatchNormForwardTraining", descriptor, ShortName);
        bool updateRunning = runningMean is not null && runningVar is not null;
        var p = new NormArgs(d.N, d.C, d.Spatial, (float)d.Epsilon, (float)d.Momentum,
            (gamma is null ? 0 : 1) | (beta is null ? 0 : 2) | (updateRunning ? 4 : 0));
        _kernels.Get("BatchStats", static a =>
            a.LoadKernel<NormArgs, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ArrayView<float>>(NormKernels.BatchStats))(_stream, GroupConfig(d.C), p, F(x), F(saveMean),
            F(saveInvStd), OptionalF(runningMean, saveMean), OptionalF(runningVar, saveMean));
        NormalizeKernel(_stream, (int)d.Length, p, F(x), F(saveMean), F(saveInvStd), OptionalF(gamma, saveMean),
            OptionalF(beta, saveMean), F(y));
    }

    /// <inheritdoc />
    public void BatchNormForwardInference(in BatchNormDescriptor descriptor, DeviceBuffer x, DeviceBuffer? gamma,
        DeviceBuffer? beta, DeviceBuffer runningMean, DeviceBuffer runningVar, DeviceBuffer y)
    {
        CheckFloat32(x);
        var d = descriptor;
        using var scope = KernelEvents.Scope("BatchNormForwardInference", descriptor, ShortName);
        var p = new NormArgs(d.N, d.C, d.Spatial, (float)d.Epsilon, (float)d.Momentum,
            (gamma is null ? 0 : 1) | (beta is null ? 0 : 2));
        _kernels.Get("BatchNormInference", static a =>
            a.LoadAutoGroupedKernel<Index1D, NormArgs, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ArrayView<float>, ArrayView<float>, ArrayView<float>>(NormKernels.Inference))(_stream, (int)d.Length,
            p, F(x), F(runningMean), F(runningVar), OptionalF(gamma, runningMean), OptionalF(beta, runningMean), F(y));
    }

    /// <inheritdoc />
    public void BatchNormBackward(in BatchNormDescriptor descriptor, DeviceBuffer x, DeviceBuffer dy,
        DeviceBuffer? gamma, DeviceBuffer saveMean, DeviceBuffer saveInvStd, DeviceBuffer dx, DeviceBuffer? dgamma,
        DeviceBuffer? dbeta)
    {
        CheckFloat32(x);
        var d = descriptor;
        using var scope = KernelEvents.Scope("BatchNormBackward", descriptor, ShortName);
        var p = new NormArgs(d.N, d.C, d.Spatial, (float)d.Epsilon, (float)d.Momentum,
            (gamma is null ? 0 : 1) | (dgamma is null ? 0 : 4) | (dbeta is null ? 0 : 8));
        // Released to the pool right after queuing; the single in-order stream keeps later users behind us.
        using var sums = Allocate(DType.Float32, 2L * d.C);
        _kernels.Get("BatchNormBackwardStats", static a =>
            a.LoadKernel<NormArgs, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ArrayView<float>, ArrayView<float>, ArrayView<float>>(NormKernels.BackwardStats))(_stream,
            GroupConfig(d.C), p, F(x), F(dy), F(saveMean), F(saveInvStd), F(sums), OptionalF(dgamma, sums),
            OptionalF(dbeta, sums));
        _kernels.Get("BatchNormBackwardData", static a =>
            a.LoadAutoGroupedKernel<Index1D, NormArgs, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(NormKernels.BackwardData))(
            _stream, (int)d.Length, p, F(x), F(dy), F(saveMean), F(saveInvStd), OptionalF(gamma, sums), F(sums),
            F(dx));
    }

    /// <inheritdoc />
    public void LogSoftmax(int rows, int cols, DeviceBuffer x, DeviceBuffer y)
    {
        CheckFloat32(x);
        if (rows <= 0 || cols <= 0) return;
        using var scope = KernelEvents.Scope("LogSoftmax", (long)rows * cols, ShortName);
        _kernels.Get("LogSoftmax", static a =>
            a.LoadKernel<int, ArrayView<float>, ArrayView<float>>(NormKernels.LogSoftmax))(
            _stream, GroupConfig(rows), cols, F(x), F(y));
    }

    /// <inheritdoc />
    public void LogSoftmaxBackward(int rows, int cols, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx)
    {
        CheckFloat32(y);
        if (rows <= 0 || cols <= 0) return;
        using var scope = KernelEvents.Scope("LogSoftmaxBackward", (long)rows * cols, ShortName);
        _kernels.Get("LogSoftmaxBackward", static a =>
            a.LoadKernel<int, ArrayView<float>, ArrayView<float>, ArrayView<float>>(NormKernels.LogSoftmaxBackward))(
            _stream, GroupConfig(rows), cols, F(y), F(dy), F(dx));
    }

    /// <inheritdoc />
    public void Gather(DeviceBuffer table, DeviceBuffer indices, DeviceBuffer output, int count, int rowLength)
    {
        CheckFloat32(table);
        if (count <= 0 || rowLength <= 0) return;
        using var scope = KernelEvents.Scope("Gather", (long)count * rowLength, ShortName);
        _kernels.Get("Gather", static a =>
            a.LoadAutoGroupedKernel<Index1D, int, ArrayView<float>, ArrayView<int>, ArrayView<float>>(
                MiscKernels.Gather))(_stream, count * rowLength, rowLength, F(table), Buf(indices).I, F(output));
    }

    /// <inheritdoc />
    public void ScatterAdd(DeviceBuffer values, DeviceBuffer indices, DeviceBuffer table, int count, int rowLength)
    {
        CheckFloat32(values);
        if (count <= 0 || rowLength <= 0) return;
        using var scope = KernelEvents.Scope("ScatterAdd", (long)count * rowLength, ShortName);
        _kernels.Get("ScatterAdd", static a =>
            a.LoadAutoGroupedKernel<Index1D, int, ArrayView<float>, ArrayView<int>, ArrayView<float>>(
                MiscKernels.ScatterAdd))(_stream, count * rowLength, rowLength, F(values), Buf(indices).I, F(table));
    }

    /// <inheritdoc />
    public void SgdUpdate(in SgdSettings settings, DeviceBuffer parameter, DeviceBuffer gradient,
        DeviceBuffer? velocity, long count)
    {
        CheckFloat32(parameter);
        if (count <= 0) return;
        using var scope = KernelEvents.Scope("SgdUpdate", count, ShortName);
        var s = new SgdArgs(settings.LearningRate, velocity is null ? 0f : settings.Momentum, settings.WeightDecay,
            settings.Nesterov ? 1 : 0);
        _kernels.Get("Sgd", static a =>
            a.LoadAutoGroupedKernel<Index1D, SgdArgs, ArrayView<float>, ArrayView<float>, ArrayView<float>>(
                MiscKernels.Sgd))(_stream, (int)count, s, F(parameter), F(gradient), OptionalF(velocity, gradient));
    }

    /// <inheritdoc />
    public void AdamUpdate(in AdamSettings settings, DeviceBuffer parameter, DeviceBuffer gradient, DeviceBuffer m,
        DeviceBuffer v, long count)
    {
        CheckFloat32(parameter);
        if (count <= 0) return;
        using var scope = KernelEvents.Scope("AdamUpdate", count, ShortName);
        var s = new AdamArgs(settings.LearningRate, settings.Beta1, settings.Beta2, settings.Epsilon,
            settings.WeightDecay, settings.BiasCorrection1, settings.BiasCorrection2);
        _kernels.Get("Adam", static a =>
            a.LoadAutoGroupedKernel<Index1D, AdamArgs, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ArrayView<float>>(MiscKernels.Adam))(_stream, (int)count, s, F(parameter), F(gradient), F(m), F(v));
    }

    private Action<AcceleratorStream, Index1D, NormArgs, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>> NormalizeKernel =>
        _kernels.Get("BatchNormNormalize", static a =>
            a.LoadAutoGroupedKernel<Index1D, NormArgs, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ArrayView<float>, ArrayView<float>, ArrayView<float>>(NormKernels.Normalize));
}
