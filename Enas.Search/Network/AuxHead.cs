using Enas.Engine;
using Enas.Search.Sharing;

namespace Enas.Search.Network;

/// <summary>
/// ENAS auxiliary classifier: ReLU → 5×5 average pool stride 3 (valid) → 1×1 conv 128 + BN + ReLU → conv with the
/// remaining spatial size as kernel to 768 + BN + ReLU → global average pool → linear.
/// </summary>
internal sealed class AuxHead
{
    private const int Mid = 128, Wide = 768;
    private readonly ConvBn _conv1, _conv2;
    private readonly Parameter _fc;

    public AuxHead(IWeightSource source, FeatureShape input, int classes)
    {
        int pooled = Math.Max(1, (input.Size - 5) / 3 + 1);
        _conv1 = new ConvBn(source, new WeightKey("aux", -1, null, "conv1"), input.Channels, Mid, 1, false, true);
        _conv2 = new ConvBn(source, new WeightKey("aux", -1, null, "conv2"), Mid, Wide, pooled, false, true, padding: 0);
        _fc = source.Get(new WeightKey("aux", -1, null, "fc"), new Shape(classes, Wide), WeightInit.HeNormal, Wide);
    }

    /// <summary>[N, C, H, W] (H ≥ 5) to logits [N, classes].</summary>
    public Tensor Forward(Tensor x, ForwardContext ctx)
    {
        var y = x.Relu();
        y = y.Shape[2] >= 5 ? y.AvgPool2D(5, 3, 0) : y.GlobalAvgPool2D().Reshape(y.Shape[0], y.Shape[1], 1, 1);
        y = _conv2.Forward(_conv1.Forward(y, ctx), ctx);
        return y.GlobalAvgPool2D().MatMul(_fc, transposeOther: true);
    }
}
