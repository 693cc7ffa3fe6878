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

    /// <summary>
    /// <c>Relu().Conv2D(weight, stride, padding, groups)</c> as one op: this [N, C, H, W], weight [K, C / groups, R, S],
    /// result [N, K, OH, OW]. Where the backend fuses the pair (the CPU's depthwise path, float32) relu(this) is never
    /// stored and is not read back; values and gradients equal the unfused pair's bit for bit. Elsewhere (and while a
    /// graph is traced for export) it records the two ops.
    /// </summary>
    public Tensor ReluConv2D(Tensor weight, int stride = 1, int padding = 0, int groups = 1) =>
        ReluConv2DOp.Apply(this, weight, stride, padding, groups);
}
