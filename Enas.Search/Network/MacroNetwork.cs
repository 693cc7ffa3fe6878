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
/// Macro network: stem 3×3 conv + BN, L layers (op output + the sampled stored outputs, summed, then BN), a
/// factorised reduction of every stored output after the reduction layers, classifier. The stored outputs are, as in
/// the authors' code, the stem's then each layer's: skip bit j reads position j (<see cref="MacroSkipIndexing"/>).
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
            {
                reductions[i] = Reductions(rec, i, width, NextWidth(o, width), device, p => UsedAfter(layers, i, p));
                width = NextWidth(o, width);
            }
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
    /// after a reduction layer the reduction of every stored output (the stem's first); classifier.</summary>
    public static void Declare(MacroSpace space, NetworkOptions o, IWeightSource bank, Device device)
    {
        int width = o.Channels;
        _ = Stem(bank, o);
        for (int i = 0; i < space.Layers; i++)
        {
            foreach (var op in MacroSpace.Ops) _ = new MacroBranch(bank, i, op, width);
            if (i > 0) _ = SumBn(bank, i, width);
            if (space.ReductionAfter.Contains(i))
            {
                _ = Reductions(bank, i, width, NextWidth(o, width), device, _ => true);
                width = NextWidth(o, width);
            }
        }
        _ = Classifier(bank, o, width);
    }

    internal static ConvBn Stem(IWeightSource source, NetworkOptions o) =>
        new(source, new WeightKey("stem", -1, null, "conv"), o.InputChannels, o.Channels, 3, false, false);

    private static BatchNormSite SumBn(IWeightSource source, int layer, int width) =>
        new(source, new WeightKey($"layer{layer}", -1, null, "sum"), width);

    internal static Parameter Classifier(IWeightSource source, NetworkOptions o, int width) =>
        source.Get(new WeightKey("head", -1, null, "fc"), new Shape(o.Classes, width), WeightInit.HeNormal, width);

    /// <summary>The factorised reductions (<paramref name="width"/> to <paramref name="next"/> channels) after
    /// reduction layer <paramref name="i"/> of each stored output p ≤ i + 1 (0 = the stem, p = layer p - 1) that
    /// <paramref name="take"/> selects (null for the others).</summary>
    internal static FactorizedReduce?[] Reductions(IWeightSource source, int i, int width, int next, Device device, Func<int, bool> take)
    {
        var fr = new FactorizedReduce?[i + 2];
        for (int p = 0; p < fr.Length; p++)
            if (take(p))
                fr[p] = new FactorizedReduce(source, new WeightKey($"layer{i}", p, null, "reduce"), width, next, device);
        return fr;
    }

    private static int NextWidth(NetworkOptions o, int width) => o.DoubleAtReductions ? 2 * width : width;

    /// <summary>Appends layer output <paramref name="y"/> [N, C, H, W] to <paramref name="outputs"/> (the stem's
    /// output first, then each layer's); after a reduction layer (<paramref name="reductions"/> not null) reduces
    /// every stored output that is read again (the others are left as they are: never read). Returns the next layer's
    /// input.</summary>
    internal static Tensor Store(List<Tensor> outputs, Tensor y, FactorizedReduce?[]? reductions, ForwardContext ctx)
    {
        outputs.Add(y);
        if (reductions is null) return y;
        for (int p = 0; p < reductions.Length; p++)
            if (reductions[p] is { } reduce) outputs[p] = reduce.Forward(outputs[p], ctx);
        return outputs[^1];
    }

    /// <summary>True when stored output <paramref name="p"/> (0 = the stem, p = layer p - 1) is read after reduction
    /// layer <paramref name="i"/>: it is the next layer's input (p = i + 1) or a later layer's skip bit p is on.</summary>
    internal static bool UsedAfter(IReadOnlyList<MacroLayer> layers, int i, int p) =>
        p == i + 1 || Enumerable.Range(i + 1, layers.Count - i - 1).Any(k => p < layers[k].Skips.Length && layers[k].Skips[p]);

    /// <inheritdoc />
    public override ChildOutput Forward(Tensor images, ForwardContext ctx)
    {
        var x = _stem.Forward(images, ctx);
        var outputs = new List<Tensor>(_layers.Length + 1) { x };
        for (int i = 0; i < _layers.Length; i++)
        {
            var y = _branches[i].Forward(x, ctx);
            if (i > 0)
            {
                foreach (int p in _layers[i].SkipSources) y = y + outputs[p];
                y = _sumBn[i]!.Apply(y, ctx);
            }
            x = MacroNetwork.Store(outputs, y, _reductions.GetValueOrDefault(i), ctx);
        }
        return new ChildOutput(Head(x, _fc, _dropoutKeep, ctx, relu: false), null);
    }
}
