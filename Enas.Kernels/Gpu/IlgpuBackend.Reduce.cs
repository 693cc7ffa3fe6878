using Enas.Kernels.Diagnostics;
using Enas.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Enas.Kernels.Gpu;

public sealed partial class IlgpuBackend
{
    /// <summary>Rows at least this long (with Inner == 1) use one group per row instead of one thread.</summary>
    private const int GroupReduceThreshold = 256;

    /// <inheritdoc />
    public void Reduce(in ReduceDescriptor descriptor, DeviceBuffer x, DeviceBuffer y)
    {
        CheckFloat32(x);
        long outputs = descriptor.OutputLength;
        if (outputs <= 0) return;
        using var scope = KernelEvents.Scope("Reduce", descriptor, ShortName);
        var args = new ReduceArgs((int)descriptor.Kind, (int)descriptor.Reduced, (int)descriptor.Inner);
        if (descriptor.Inner == 1 && descriptor.Reduced >= GroupReduceThreshold)
        {
            _kernels.Get("ReduceRows", static a =>
                a.LoadKernel<ReduceArgs, ArrayView<float>, ArrayView<float>>(ReduceKernels.ReduceRows))(
                _stream, GroupConfig((int)outputs), args, F(x), F(y));
            return;
        }
        _kernels.Get("Reduce", static a =>
            a.LoadAutoGroupedKernel<Index1D, ReduceArgs, ArrayView<float>, ArrayView<float>>(ReduceKernels.Reduce))(
            _stream, (int)outputs, args, F(x), F(y));
    }

    /// <inheritdoc />
    public void ReduceBackward(in ReduceDescriptor descriptor, DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy,
        DeviceBuffer dx)
    {
        CheckFloat32(x);
        long outputs = descriptor.OutputLength;
        if (outputs <= 0) return;
        using var scope = KernelEvents.Scope("ReduceBackward", descriptor, ShortName);
        var args = new ReduceArgs((int)descriptor.Kind, (int)descriptor.Reduced, (int)descriptor.Inner);
        _kernels.Get("ReduceBackward", static a =>
            a.LoadAutoGroupedKernel<Index1D, ReduceArgs, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ArrayView<float>>(ReduceKernels.ReduceBackward))(_stream, (int)outputs, args, F(x), F(y), F(dy), F(dx));
    }

    /// <inheritdoc />
    public void SumToBroadcastOperand(in BroadcastDescriptor descriptor, DeviceBuffer full, DeviceBuffer reduced)
    {
        CheckFloat32(full);
        var d = descriptor;
        long operand = (d.A0 != 0 ? d.D0 : 1L) * (d.A1 != 0 ? d.D1 : 1) * (d.A2 != 0 ? d.D2 : 1) *
                       (d.A3 != 0 ? d.D3 : 1);
        if (operand <= 0) return;
        using var scope = KernelEvents.Scope("SumToBroadcastOperand", descriptor, ShortName);
        if (d.Length == 0)
        {
            FillFloatKernel(_stream, (int)operand, F(reduced), 0f);
            return;
        }
        _kernels.Get("SumToOperand", static a =>
            a.LoadAutoGroupedKernel<Index1D, BroadcastArgs, ArrayView<float>, ArrayView<float>>(
                ReduceKernels.SumToOperand))(_stream, (int)operand, new BroadcastArgs(d), F(full), F(reduced));
    }

    /// <inheritdoc />
    public double SquaredNorm(DeviceBuffer x, long count)
    {
        CheckFloat32(x);
        if (count <= 0) return 0;
        int groups = (int)Math.Min(_options.NormGroups, (count + _options.ReduceGroupSize - 1) / _options.ReduceGroupSize);
        using var partial = Allocate(DType.Float32, groups);
        using (KernelEvents.Scope("SquaredNorm", count, ShortName))
        {
            _kernels.Get("SquaredNormPartial", static a =>
                a.LoadKernel<int, ArrayView<float>, ArrayView<float>>(ReduceKernels.SquaredNormPartial))(
                _stream, GroupConfig(groups), (int)count, F(x), F(partial));
        }
        Span<float> host = groups <= 1024 ? stackalloc float[groups] : new float[groups];
        using (KernelEvents.Sync("SquaredNorm", ShortName))
        {
            F(partial).CopyToCPU(_stream, ref host[0], groups);
            _stream.Synchronize();
        }
        double sum = 0;
        foreach (float v in host) sum += v;
        return sum;
    }

    /// <summary>Launch config of a 1-D explicitly grouped reduction kernel: one group per item, dynamic shared
    /// memory of one float per thread.</summary>
    private KernelConfig GroupConfig(int groups) =>
        new(groups, _options.ReduceGroupSize, SharedMemoryConfig.RequestDynamic<float>(_options.ReduceGroupSize));
}
