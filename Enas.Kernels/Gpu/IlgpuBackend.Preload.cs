namespace Enas.Kernels.Gpu;

public sealed partial class IlgpuBackend
{
    /// <summary>
    /// Compiles (and runs once, on tiny buffers) every kernel family plus the common elementwise instantiations,
    /// so that compile and driver-JIT time never land in a timed or hot region. Synchronises at the end.
    /// </summary>
    private void PreloadKernels()
    {
        using var a = Allocate(DType.Float32, 64);
        using var b = Allocate(DType.Float32, 64);
        using var c = Allocate(DType.Float32, 64);
        using var idx = Allocate(DType.Int32, 4);
        Fill(a, 0, 64, 0.5);
        Fill(b, 0, 64, 0.25);
        Fill(c, 0, 64, 0);
        Fill(idx, 0, 4, 0);
        CopyStrided(StridedCopyDescriptor.Contiguous(8), a, c);
        Unary<Relu>(a, c, 8);
        Unary<Tanh>(a, c, 8);
        Unary<Sigmoid>(a, c, 8);
        UnaryBackward<Relu>(a, c, b, c, 8);
        UnaryBackward<Tanh>(a, c, b, c, 8);
        UnaryBackward<Sigmoid>(a, c, b, c, 8);
        var same = new BroadcastDescriptor(1, 1, 1, 8, 0, 0, 8, 1, 0, 0, 8, 1);
        var bias = new BroadcastDescriptor(1, 1, 2, 4, 0, 0, 4, 1, 0, 0, 0, 1);
        Binary<Add>(same, a, b, c);
        Binary<Add>(bias, a, b, c);
        Binary<Multiply>(same, a, b, c);
        Binary<Multiply>(bias, a, b, c);
        BinaryBackward<Add>(bias, a, b, c, c, null);
        BinaryBackward<Multiply>(bias, a, b, c, c, null);
        SumToBroadcastOperand(bias, a, c);
        ScaleShift(a, c, 8, 2, 1);
        Axpy(a, c, 8, 0.5);
        Reduce(new ReduceDescriptor(ReduceKind.Sum, 2, 4, 2), a, c);
        ReduceBackward(new ReduceDescriptor(ReduceKind.Max, 2, 4, 2), a, b, b, c);
        Gemm(new GemmDescriptor(false, false, 2, 2, 2), a, b, c);
        var conv = new Conv2DDescriptor(1, 1, 3, 3, 1, 3, 3, 1, 1);
        Conv2DForward(conv, a, b, c);
        Conv2DBackwardData(conv, a, b, c);
        Conv2DBackwardFilter(conv, a, b, c);
        var depthwise = new Conv2DDescriptor(1, 2, 3, 3, 2, 3, 3, 1, 1, 2);
        Conv2DForward(depthwise, a, b, c);
        Conv2DBackwardData(depthwise, a, b, c);
        Conv2DBackwardFilter(depthwise, a, b, c);
        var pool = new Pool2DDescriptor(PoolKind.Max, 1, 1, 3, 3, 3, 1, 1);
        Pool2DForward(pool, a, c);
        Pool2DBackward(pool, a, c, b, c);
        var bn = new BatchNormDescriptor(2, 2, 2);
        BatchNormForwardTraining(bn, a, b, b, c, b, b, null, null);
        BatchNormForwardInference(bn, a, null, null, b, b, c);
        BatchNormBackward(bn, a, b, null, b, b, c, null, null);
        LogSoftmax(2, 4, a, c);
        LogSoftmaxBackward(2, 4, a, b, c);
        Gather(a, idx, c, 4, 2);
        ScatterAdd(a, idx, c, 4, 2);
        SgdUpdate(new SgdSettings(0.1f, 0.9f, 0f, false), c, b, a, 8);
        AdamUpdate(new AdamSettings(0.1f, 0.9f, 0.999f, 1e-8f, 0f, 0.1f, 0.001f), c, b, a, a, 8);
        SquaredNorm(a, 8);
        PreloadHighway<Tanh>(a, b, c);
        PreloadHighway<Relu>(a, b, c);
        PreloadHighway<Identity>(a, b, c);
        PreloadHighway<Sigmoid>(a, b, c);
        Synchronize();
    }

    private void PreloadHighway<TAct>(DeviceBuffer a, DeviceBuffer b, DeviceBuffer c) where TAct : struct, IUnaryOp
    {
        Highway<TAct>(2, 4, a, b, c);
        HighwayBackward<TAct>(2, 4, a, b, b, c, c);
    }
}
