using Enas.Engine.Ops;

namespace Enas.Engine;

// Public API of the convolution family (owner: Ops/Conv2DOp.cs).
public partial class Tensor
{
    /// <summary>
    /// 2-D convolution of this [N, C, H, W] with <paramref name="weight"/> [K, C / groups, R, S], zero padding, no bias.
    /// Returns [N, K, OH, OW] with OH = (H + 2 * padding - R) / stride + 1. groups == C == K is depthwise.
    /// </summary>
    public Tensor Conv2D(Tensor weight, int stride = 1, int padding = 0, int groups = 1) =>
        Conv2DOp.Apply(this, weight, stride, padding, groups);
}
