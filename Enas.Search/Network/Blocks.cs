using Enas.Engine;
using Enas.Search.Sharing;
using Enas.Search.Spaces;

namespace Enas.Search.Network;

/// <summary>Batch norm parameters of one site: affine scale/shift and, for fresh weights, running statistics.</summary>
internal sealed class BatchNormSite
{
    private readonly Parameter _gamma, _beta;
    private readonly (Tensor Mean, Tensor Var)? _stats;

    public BatchNormSite(IWeightSource source, WeightKey key, int channels)
    {
        _gamma = source.Get(key with { Role = key.Role + ".bn.gamma" }, new Shape(channels), WeightInit.Ones);
        _beta = source.Get(key with { Role = key.Role + ".bn.beta" }, new Shape(channels), WeightInit.Zeros);
        _stats = source.RunningStats(key with { Role = key.Role + ".bn" }, channels);
    }

    /// <summary>[N, C, H, W] normalised. Without running statistics (shared search) batch statistics are always used.</summary>
    public Tensor Apply(Tensor x, ForwardContext ctx)
    {
        if (_stats is { } s) return x.BatchNorm2D(_gamma, _beta, s.Mean, s.Var, ctx.Training, 0.1, 1e-5);
        return x.BatchNorm2D(_gamma, _beta, null, null, training: true, 0.1, 1e-5);
    }
}

/// <summary>[ReLU →] k×k conv (stride 1, same padding) → BN [→ ReLU].</summary>
internal sealed class ConvBn
{
    private readonly Parameter _w;
    private readonly BatchNormSite _bn;
    private readonly int _pad;
    private readonly bool _reluBefore, _reluAfter;

    public ConvBn(IWeightSource source, WeightKey key, int inC, int outC, int kernel, bool reluBefore, bool reluAfter,
        int padding = -1)
    {
        _w = source.Get(key, new Shape(outC, inC, kernel, kernel), WeightInit.HeNormal, inC * kernel * kernel);
        _bn = new BatchNormSite(source, key, outC);
        (_pad, _reluBefore, _reluAfter) = (padding < 0 ? kernel / 2 : padding, reluBefore, reluAfter);
    }

    public Tensor Forward(Tensor x, ForwardContext ctx)
    {
        if (_reluBefore) x = x.Relu();
        var y = _bn.Apply(x.Conv2D(_w, 1, _pad), ctx);
        return _reluAfter ? y.Relu() : y;
    }
}

/// <summary>Depthwise k×k (stride 1 or 2 on the depthwise step) then pointwise 1×1 (C→outC), no BN.</summary>
internal sealed class SeparableConv
{
    private readonly Parameter _depthwise, _pointwise;
    private readonly int _channels, _pad, _stride;

    public SeparableConv(IWeightSource source, WeightKey key, int channels, int outC, int kernel, int stride = 1)
    {
        _stride = stride;
        _depthwise = source.Get(key with { Role = key.Role + ".depthwise" }, new Shape(channels, 1, kernel, kernel),
            WeightInit.HeNormal, kernel * kernel);
        _pointwise = source.Get(key with { Role = key.Role + ".pointwise" }, new Shape(outC, channels, 1, 1),
            WeightInit.HeNormal, channels);
        (_channels, _pad) = (channels, kernel / 2);
    }

    public Tensor Forward(Tensor x) => x.Conv2D(_depthwise, _stride, _pad, _channels).Conv2D(_pointwise);

    /// <summary>
    /// <c>Forward(x.Relu())</c> for x [N, C, H, W], with the ReLU fused into the depthwise step where the backend can
    /// (bit-identical; relu(x) is then never stored).
    /// </summary>
    public Tensor ForwardRelu(Tensor x) => x.ReluConv2D(_depthwise, _stride, _pad, _channels).Conv2D(_pointwise);
}

/// <summary>
/// Factorised reduction: two stride-2 1×1 convolutions, the second reading the input shifted by one pixel, each
/// giving half the output channels, concatenated, then BN. Output [N, outC, ceil(H/2), ceil(W/2)].
/// </summary>
internal sealed class FactorizedReduce
{
    private readonly Parameter _w1, _w2;
    private readonly BatchNormSite _bn;
    private readonly Tensor _shiftMask;

    public FactorizedReduce(IWeightSource source, WeightKey key, int inC, int outC, Device device)
    {
        int half = outC / 2;
        _w1 = source.Get(key with { Role = key.Role + ".path1" }, new Shape(half, inC, 1, 1), WeightInit.HeNormal, inC);
        _w2 = source.Get(key with { Role = key.Role + ".path2" }, new Shape(outC - half, inC, 1, 1), WeightInit.HeNormal, inC);
        _bn = new BatchNormSite(source, key, outC);
        _shiftMask = ShiftMasks.Get(device);
    }

    public Tensor Forward(Tensor x, ForwardContext ctx)
    {
        var a = x.Conv2D(_w1, 2, 0);
        // A 3×3 kernel with padding 1 that is zero except at (2, 2) reads pixel (2i+1, 2j+1): the shifted path.
        var b = x.Conv2D(_w2 * _shiftMask, 2, 1);
        return _bn.Apply(Tensor.Concat([a, b], 1), ctx);
    }
}

/// <summary>Constant masks shared by every factorised reduction (one per device).</summary>
internal static class ShiftMasks
{
    private static readonly Dictionary<Device, Tensor> s_masks = new();
    private static readonly Lock s_lock = new();

    public static Tensor Get(Device device)
    {
        lock (s_lock)
        {
            if (s_masks.TryGetValue(device, out var m)) return m;
            var data = new float[9];
            data[8] = 1f;
            m = Tensor.FromArray(data, new Shape(1, 1, 3, 3), device, persistent: true);
            s_masks.Add(device, m);
            return m;
        }
    }
}

/// <summary>A stride-1 pooling op with a 3×3 window and padding 1.</summary>
internal static class Pools
{
    public static Tensor Apply(OpKind op, Tensor x) => op switch
    {
        OpKind.AvgPool3x3 => x.AvgPool2D(3, 1, 1),
        OpKind.MaxPool3x3 => x.MaxPool2D(3, 1, 1),
        _ => throw new ArgumentException($"{op} is not a pooling op"),
    };
}
