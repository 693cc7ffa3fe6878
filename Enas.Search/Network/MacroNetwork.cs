using Enas.Engine;
using Enas.Search.Sharing;
using Enas.Search.Spaces;

namespace Enas.Search.Network;

/// <summary>
/// One macro branch: conv ops are 1×1 conv-BN-ReLU then the k×k (regular or depthwise-separable) conv-BN-ReLU;
/// pool ops are 1×1 conv-BN-ReLU then 3×3 stride-1 pooling. Weights per (layer, op).
/// </summary>
internal sealed class MacroBranch
{
    private readonly OpKind _op;
    private readonly ConvBn _input;
    private readonly ConvBn? _conv;
    private readonly SeparableConv? _sep;
    private readonly BatchNormSite? _sepBn;

    public MacroBranch(IWeightSource source, int layer, OpKind op, int width)
    {
        _op = op;
        string cell = $"layer{layer}";
        _input = new ConvBn(source, new WeightKey(cell, -1, op, "in_conv"), width, width, 1, false, true);
        if (op.IsSeparable())
        {
            var key = new WeightKey(cell, -1, op, "out_sep");
            _sep = new SeparableConv(source, key, width, width, op.KernelSize());
            _sepBn = new BatchNormSite(source, key, width);
        }
        else if (!op.IsPool())
            _conv = new ConvBn(source, new WeightKey(cell, -1, op, "out_conv"), width, width, op.KernelSize(), false, true);
    }

    public Tensor Forward(Tensor x, ForwardContext ctx)
    {
        var y = _input.Forward(x, ctx);
        if (_sep is not null) return _sepBn!.Apply(_sep.Forward(y), ctx).Relu();
        if (_conv is not null) return _conv.Forward(y, ctx);
        return Pools.Apply(_op, y);
    }
}

/// <summary>
/// Macro network: stem 3×3 conv + BN, L layers (op output + the sampled earlier outputs, summed, then BN), a
/// factorised reduction of every stored output after the reduction layers, classifier.
/// </summary>
internal sealed class MacroNetwork : ChildNetwork
{
    private ConvBn _stem = null!;
    private MacroBranch[] _branches = [];
    private BatchNormSite?[] _sumBn = [];
    private Dictionary<int, FactorizedReduce?[]> _reductions = new();
    private MacroLayer[] _layers = [];
    private Parameter _fc = null!;
    private double _dropoutKeep;

    /// <summary>Builds the macro search network of <paramref name="arch"/> with weights from <paramref name="source"/>;
    /// a reduction takes only the stored outputs a later layer reads.</summary>
    public static MacroNetwork Build(MacroSpace space, Architecture arch, NetworkOptions o, IWeightSource source, Device device)
    {
        var rec = new RecordingSource(source);
        var layers = space.Decode(arch).ToArray();
        int width = o.Channels;
        var stem = Stem(rec, o);
        var branches = new MacroBranch[space.Layers];
        var sumBn = new BatchNormSite?[space.Layers];
        var reductions = new Dictionary<int, FactorizedReduce?[]>();
        for (int i = 0; i < space.Layers; i++)
        {
            branches[i] = new MacroBranch(rec, i, layers[i].Op, width);
            if (i > 0) sumBn[i] = SumBn(rec, i, width);
            if (space.ReductionAfter.Contains(i))
                (reductions[i], width) = Reductions(rec, i, o, width, device, j => UsedAfter(layers, i, j));
        }
        var fc = Classifier(rec, o, width);
        return new MacroNetwork
        {
            Architecture = arch,
            Parameters = rec.Used,
            ParameterCount = rec.Used.Sum(x => x.ElementCount),
            _stem = stem, _branches = branches, _sumBn = sumBn, _reductions = reductions, _layers = layers,
            _fc = fc, _dropoutKeep = o.DropoutKeep,
        };
    }

    /// <summary>Declares in <paramref name="bank"/> every weight a macro search network of <paramref name="space"/> can
    /// use, in the bank's order: stem; per layer every op's branch (<see cref="MacroSpace.Ops"/> order), the sum BN,
    /// after a reduction layer the reduction of every earlier output; classifier.</summary>
    public static void Declare(MacroSpace space, NetworkOptions o, IWeightSource bank, Device device)
    {
        int width = o.Channels;
        _ = Stem(bank, o);
        for (int i = 0; i < space.Layers; i++)
        {
            foreach (var op in MacroSpace.Ops) _ = new MacroBranch(bank, i, op, width);
            if (i > 0) _ = SumBn(bank, i, width);
            if (space.ReductionAfter.Contains(i)) (_, width) = Reductions(bank, i, o, width, device, _ => true);
        }
        _ = Classifier(bank, o, width);
    }

    internal static ConvBn Stem(IWeightSource source, NetworkOptions o) =>
        new(source, new WeightKey("stem", -1, null, "conv"), o.InputChannels, o.Channels, 3, false, false);

    private static BatchNormSite SumBn(IWeightSource source, int layer, int width) =>
        new(source, new WeightKey($"layer{layer}", -1, null, "sum"), width);

    internal static Parameter Classifier(IWeightSource source, NetworkOptions o, int width) =>
        source.Get(new WeightKey("head", -1, null, "fc"), new Shape(o.Classes, width), WeightInit.HeNormal, width);

    /// <summary>The factorised reductions after reduction layer <paramref name="i"/> of each stored output j ≤ i that
    /// <paramref name="take"/> selects (null for the others), and the width after them.</summary>
    private static (FactorizedReduce?[] Reductions, int Width) Reductions(IWeightSource source, int i, NetworkOptions o,
        int width, Device device, Func<int, bool> take)
    {
        int next = o.DoubleAtReductions ? 2 * width : width;
        var fr = new FactorizedReduce?[i + 1];
        for (int j = 0; j <= i; j++)
            if (take(j))
                fr[j] = new FactorizedReduce(source, new WeightKey($"layer{i}", j, null, "reduce"), width, next, device);
        return (fr, next);
    }

    /// <summary>Appends layer output <paramref name="y"/> [N, C, H, W] to <paramref name="outputs"/>; after a reduction
    /// layer (<paramref name="reductions"/> not null) reduces every stored output that is read again (the others are
    /// left as they are: never read). Returns the next layer's input.</summary>
    internal static Tensor Store(List<Tensor> outputs, Tensor y, FactorizedReduce?[]? reductions, ForwardContext ctx)
    {
        outputs.Add(y);
        if (reductions is null) return y;
        for (int j = 0; j < reductions.Length; j++)
            if (reductions[j] is { } reduce) outputs[j] = reduce.Forward(outputs[j], ctx);
        return outputs[^1];
    }

    /// <summary>True when layer <paramref name="j"/>'s output is read after reduction layer <paramref name="i"/>: it is
    /// the next layer's input (j = i) or a later layer skips to it.</summary>
    internal static bool UsedAfter(IReadOnlyList<MacroLayer> layers, int i, int j) =>
        j == i || Enumerable.Range(i + 1, layers.Count - i - 1).Any(k => layers[k].Skips[j]);

    /// <inheritdoc />
    public override ChildOutput Forward(Tensor images, ForwardContext ctx)
    {
        var x = _stem.Forward(images, ctx);
        var outputs = new List<Tensor>(_layers.Length);
        for (int i = 0; i < _layers.Length; i++)
        {
            var y = _branches[i].Forward(x, ctx);
            if (i > 0)
            {
                for (int j = 0; j < i; j++)
                    if (_layers[i].Skips[j]) y = y + outputs[j];
                y = _sumBn[i]!.Apply(y, ctx);
            }
            x = MacroNetwork.Store(outputs, y, _reductions.GetValueOrDefault(i), ctx);
        }
        return new ChildOutput(Head(x, _fc, _dropoutKeep, ctx, relu: false), null);
    }
}
