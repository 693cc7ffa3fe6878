using Enas.Engine.Ops;
using Enas.Kernels;

namespace Enas.Engine;

// Public API of the pooling / normalisation / softmax / indexing family (owners: the op files in Ops/).
public partial class Tensor
{
    /// <summary>Max pooling of [N, C, H, W] with a square window; padding never wins. Returns [N, C, OH, OW].</summary>
    public Tensor MaxPool2D(int window, int stride, int padding) =>
        Pool2DOp.Apply(this, PoolKind.Max, window, stride, padding);

    /// <summary>Average pooling of [N, C, H, W]; padded positions are not counted. Returns [N, C, OH, OW].</summary>
    public Tensor AvgPool2D(int window, int stride, int padding) =>
        Pool2DOp.Apply(this, PoolKind.Average, window, stride, padding);

    /// <summary>[N, C, H, W] to [N, C]: mean over the spatial dimensions.</summary>
    public Tensor GlobalAvgPool2D() => GlobalAvgPool2DOp.Apply(this);

    /// <summary>
    /// Batch norm over [N, C, H, W] or [N, C]. Training uses batch statistics and updates the running ones (when
    /// given); inference uses the running ones. gamma/beta [C] may be null (no affine).
    /// </summary>
    public Tensor BatchNorm2D(Tensor? gamma, Tensor? beta, Tensor? runningMean, Tensor? runningVar, bool training,
        double momentum = 0.1, double epsilon = 1e-5) =>
        BatchNorm2DOp.Apply(this, gamma, beta, runningMean, runningVar, training, momentum, epsilon);

    /// <summary>
    /// Highway transition with this tensor as the pre-activations [B, 2H] (gate half, then candidate half) and
    /// <paramref name="previous"/> [B, H]: previous + σ(gate) · (TAct(candidate) − previous), [B, H].
    /// </summary>
    public Tensor Highway<TAct>(Tensor previous) where TAct : struct, IUnaryOp => HighwayOp<TAct>.Apply(this, previous);

    /// <summary>log_softmax along the last axis of a rank-2 tensor [rows, cols].</summary>
    public Tensor LogSoftmax() => LogSoftmaxOp.Apply(this);

    /// <summary>Mean cross-entropy of logits [N, K] against int32 labels [N] (a scalar).</summary>
    public Tensor CrossEntropy(Tensor labels) => CrossEntropyOp.Apply(this, labels);

    /// <summary>Mean cross-entropy of logits [N, K] against host labels [N]: checked on the host and uploaded once
    /// to the logits' device, never read back (the <see cref="CrossEntropy(Tensor)"/> overload reads device labels).</summary>
    public Tensor CrossEntropy(ReadOnlySpan<int> labels) => CrossEntropyOp.Apply(this, labels);

    /// <summary>Concatenation along <paramref name="axis"/>; all other dimensions must match.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis) => ConcatOp.Apply(tensors, axis);

    /// <summary>The sub-tensor [start, start + length) along <paramref name="axis"/> (a copy).</summary>
    public Tensor Slice(int axis, int start, int length) => SliceOp.Apply(this, axis, start, length);

    /// <summary>
    /// Inverted dropout: zeroes each element with probability <paramref name="p"/> and scales the rest by 1/(1-p).
    /// The mask is drawn from <paramref name="rng"/> on the host. Identity when p == 0.
    /// </summary>
    public Tensor Dropout(double p, Random rng) => DropoutOp.Apply(this, p, rng, training: true);

    /// <summary>
    /// The inverted-dropout mask itself, [shape] of 0 (probability <paramref name="p"/>) and 1/(1-p), drawn on the host
    /// from <paramref name="rng"/> exactly as <see cref="Dropout(double, Random)"/> draws its mask for a tensor of
    /// that shape, and uploaded once to <paramref name="device"/> (no gradient).
    /// </summary>
    public static Tensor DropoutMask(Shape shape, double p, Random rng, DType dtype = DType.Float32,
        Device? device = null) => DropoutOp.Mask(shape, p, rng, dtype, device ?? Device.Cpu);

    /// <summary>Dropout that returns this tensor unchanged when <paramref name="training"/> is false or p == 0.</summary>
    public Tensor Dropout(double p, Random rng, bool training) => DropoutOp.Apply(this, p, rng, training);

    /// <summary>Rows of this table [V, D] picked by int32 <paramref name="indices"/> [n]: returns [n, D].</summary>
    public Tensor Gather(Tensor indices) => GatherOp.Apply(this, indices);

    /// <summary>Rows of this table [V, D] at host <paramref name="indices"/> [n]: checked on the host and uploaded
    /// once to the table's device, so no read-back (the <see cref="Gather(Tensor)"/> overload reads the indices to
    /// check them).</summary>
    public Tensor Gather(ReadOnlySpan<int> indices) => GatherOp.Apply(this, indices);
}
