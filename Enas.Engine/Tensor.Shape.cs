using Enas.Engine.Ops;

namespace Enas.Engine;

public partial class Tensor
{
    /// <summary>A view with new dimensions (one may be -1 to infer it); shares memory.</summary>
    public Tensor Reshape(params int[] dims) => ReshapeOp.Apply(this, dims);

    /// <summary>[N, ...] to [N, rest].</summary>
    public Tensor Flatten() => ReshapeOp.Apply(this, [Shape[0], -1]);

    /// <summary>Matrix product with <paramref name="other"/> (rank 2), optionally using stored transposes.</summary>
    public Tensor MatMul(Tensor other, bool transposeThis = false, bool transposeOther = false) =>
        MatMulOp.Apply(this, other, transposeThis, transposeOther);
}
