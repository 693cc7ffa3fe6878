namespace Enas.Kernels;

/// <summary>
/// A compute backend: memory plus one method per kernel family. The engine validates shapes, devices and dtypes
/// before calling; implementations trust their arguments. Every buffer argument belongs to this backend. Unless a
/// member says otherwise, outputs are overwritten (not accumulated) and float buffers may be Float32 or (CPU only)
/// Float64, all of one dtype per call. Calls may run asynchronously; <see cref="Download{T}"/> and
/// <see cref="SquaredNorm"/> synchronise.
/// </summary>
public interface IBackend : IDisposable
{
    /// <summary>Kind of device.</summary>
    DeviceKind Kind { get; }

    /// <summary>Device ordinal within its kind (0 for the CPU): with <see cref="Kind"/>, the key under which
    /// <see cref="Backends"/> holds this backend.</summary>
    int Ordinal { get; }

    /// <summary>Human-readable name, e.g. "cpu" or "cuda:0 (NVIDIA H100)".</summary>
    string Name { get; }

    /// <summary>Whether Float64 buffers are supported.</summary>
    bool SupportsFloat64 { get; }

    /// <summary>Number of buffers handed out and not yet disposed (leak checks).</summary>
    int LiveBufferCount { get; }

    /// <summary>Bytes handed out and not yet disposed.</summary>
    long LiveBytes { get; }

    // ---- memory ---------------------------------------------------------------------------------------------

    /// <summary>Rents an uninitialised buffer of <paramref name="length"/> elements.</summary>
    DeviceBuffer Allocate(DType dtype, long length);

    /// <summary>Copies host data into <paramref name="destination"/> starting at element offset.</summary>
    void Upload<T>(ReadOnlySpan<T> source, DeviceBuffer destination, long destinationOffset = 0) where T : unmanaged;

    /// <summary>Copies device data to the host (waits for pending work).</summary>
    void Download<T>(DeviceBuffer source, Span<T> destination, long sourceOffset = 0) where T : unmanaged;

    /// <summary>Waits for all queued work.</summary>
    void Synchronize();

    /// <summary>Sets <paramref name="count"/> elements from <paramref name="offset"/> to <paramref name="value"/>.</summary>
    void Fill(DeviceBuffer buffer, long offset, long count, double value);

    /// <summary>Row-wise strided copy (concat, slice and their backward passes).</summary>
    void CopyStrided(in StridedCopyDescriptor descriptor, DeviceBuffer source, DeviceBuffer destination);

    // ---- elementwise ----------------------------------------------------------------------------------------

    /// <summary>y[i] = TOp.Forward(x[i]) for i &lt; count. x and y may alias.</summary>
    void Unary<TOp>(DeviceBuffer x, DeviceBuffer y, long count) where TOp : struct, IUnaryOp;

    /// <summary>dx[i] = TOp.Backward(x[i], y[i], dy[i]).</summary>
    void UnaryBackward<TOp>(DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, long count)
        where TOp : struct, IUnaryOp;

    /// <summary>c = TOp.Forward(a, b) with broadcasting; c is dense with the descriptor's output shape.</summary>
    void Binary<TOp>(in BroadcastDescriptor descriptor, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c)
        where TOp : struct, IBinaryOp;

    /// <summary>
    /// Full-size gradients of a broadcast binary op: da[i] = TOp.BackwardA(a[ia], b[ib], dc[i]) and likewise db, both
    /// dense with the OUTPUT shape (the engine reduces them to the operand shapes). Either output may be null.
    /// </summary>
    void BinaryBackward<TOp>(in BroadcastDescriptor descriptor, DeviceBuffer a, DeviceBuffer b, DeviceBuffer dc,
        DeviceBuffer? da, DeviceBuffer? db) where TOp : struct, IBinaryOp;

    /// <summary>
    /// Highway gate over rows: pre [rows, 2·hidden] holds the gate's and the candidate's pre-activations side by
    /// side, prev [rows, hidden]; y = prev + σ(pre[:, :hidden]) · (TAct(pre[:, hidden:]) − prev) [rows, hidden]
    /// (see <see cref="HighwayMath"/>).
    /// </summary>
    void Highway<TAct>(int rows, int hidden, DeviceBuffer pre, DeviceBuffer prev, DeviceBuffer y)
        where TAct : struct, IUnaryOp;

    /// <summary>Gradients of <see cref="Highway{TAct}"/>: dpre [rows, 2·hidden] and dprev [rows, hidden] (each
    /// written, not accumulated; either may be null).</summary>
    void HighwayBackward<TAct>(int rows, int hidden, DeviceBuffer pre, DeviceBuffer prev, DeviceBuffer dy,
        DeviceBuffer? dpre, DeviceBuffer? dprev) where TAct : struct, IUnaryOp;

    /// <summary>y[i] = alpha * x[i] + beta. x and y may alias.</summary>
    void ScaleShift(DeviceBuffer x, DeviceBuffer y, long count, double alpha, double beta);

    /// <summary>y[i] += alpha * x[i] (gradient accumulation).</summary>
    void Axpy(DeviceBuffer x, DeviceBuffer y, long count, double alpha);

    // ---- reductions -----------------------------------------------------------------------------------------

    /// <summary>y [Outer, Inner] = reduce over the middle axis of x [Outer, Reduced, Inner].</summary>
    void Reduce(in ReduceDescriptor descriptor, DeviceBuffer x, DeviceBuffer y);

    /// <summary>dx [Outer, Reduced, Inner] from dy [Outer, Inner] (Max routes to the first maximum of x).</summary>
    void ReduceBackward(in ReduceDescriptor descriptor, DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy,
        DeviceBuffer dx);

    /// <summary>
    /// Sums a dense tensor with the descriptor's output shape into operand A's (broadcast) shape: the backward of
    /// broadcasting. <paramref name="reduced"/> is dense with A's shape.
    /// </summary>
    void SumToBroadcastOperand(in BroadcastDescriptor descriptor, DeviceBuffer full, DeviceBuffer reduced);

    /// <summary>Sum of squares of the first <paramref name="count"/> elements (synchronises).</summary>
    double SquaredNorm(DeviceBuffer x, long count);

    // ---- dense linear algebra and convolution ---------------------------------------------------------------

    /// <summary>Strided-batched row-major GEMM, see <see cref="GemmDescriptor"/>.</summary>
    void Gemm(in GemmDescriptor descriptor, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c);

    /// <summary>y [N, K, OH, OW] = conv(x [N, C, H, W], w [K, C/G, R, S]).</summary>
    void Conv2DForward(in Conv2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer w, DeviceBuffer y);

    /// <summary>dx [N, C, H, W] from dy [N, K, OH, OW] and w.</summary>
    void Conv2DBackwardData(in Conv2DDescriptor descriptor, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer dx);

    /// <summary>dw [K, C/G, R, S] from x and dy.</summary>
    void Conv2DBackwardFilter(in Conv2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw);

    // ---- pooling and normalisation --------------------------------------------------------------------------

    /// <summary>y [N, C, OH, OW] = pool(x [N, C, H, W]).</summary>
    void Pool2DForward(in Pool2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer y);

    /// <summary>dx [N, C, H, W] from dy (max routes to the first maximum in the window).</summary>
    void Pool2DBackward(in Pool2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy,
        DeviceBuffer dx);

    /// <summary>
    /// Training-mode batch norm: y = gamma * (x - mean) * invStd + beta with batch statistics; writes the batch mean
    /// and 1/sqrt(var + eps) per channel [C]; updates running statistics when given. gamma/beta null means
    /// gamma = 1, beta = 0.
    /// </summary>
    void BatchNormForwardTraining(in BatchNormDescriptor descriptor, DeviceBuffer x, DeviceBuffer? gamma,
        DeviceBuffer? beta, DeviceBuffer y, DeviceBuffer saveMean, DeviceBuffer saveInvStd,
        DeviceBuffer? runningMean, DeviceBuffer? runningVar);

    /// <summary>Inference batch norm with running statistics.</summary>
    void BatchNormForwardInference(in BatchNormDescriptor descriptor, DeviceBuffer x, DeviceBuffer? gamma,
        DeviceBuffer? beta, DeviceBuffer runningMean, DeviceBuffer runningVar, DeviceBuffer y);

    /// <summary>Backward of training-mode batch norm. dgamma/dbeta [C] may be null (not wanted).</summary>
    void BatchNormBackward(in BatchNormDescriptor descriptor, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer? gamma,
        DeviceBuffer saveMean, DeviceBuffer saveInvStd, DeviceBuffer dx, DeviceBuffer? dgamma, DeviceBuffer? dbeta);

    // ---- softmax, gather ------------------------------------------------------------------------------------

    /// <summary>y [rows, cols] = log_softmax(x) along each row.</summary>
    void LogSoftmax(int rows, int cols, DeviceBuffer x, DeviceBuffer y);

    /// <summary>dx = dy - exp(y) * rowsum(dy).</summary>
    void LogSoftmaxBackward(int rows, int cols, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx);

    /// <summary>output [count, rowLength] = table[indices[i], :]; indices is Int32 [count].</summary>
    void Gather(DeviceBuffer table, DeviceBuffer indices, DeviceBuffer output, int count, int rowLength);

    /// <summary>table[indices[i], :] += values[i, :] (accumulates; repeated indices add up).</summary>
    void ScatterAdd(DeviceBuffer values, DeviceBuffer indices, DeviceBuffer table, int count, int rowLength);

    // ---- optimisers -----------------------------------------------------------------------------------------

    /// <summary>In-place SGD step on <paramref name="count"/> elements, see <see cref="SgdSettings"/>.</summary>
    void SgdUpdate(in SgdSettings settings, DeviceBuffer parameter, DeviceBuffer gradient, DeviceBuffer? velocity,
        long count);

    /// <summary>In-place Adam step, see <see cref="AdamSettings"/>.</summary>
    void AdamUpdate(in AdamSettings settings, DeviceBuffer parameter, DeviceBuffer gradient, DeviceBuffer m,
        DeviceBuffer v, long count);
}
