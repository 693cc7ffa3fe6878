using Enas.Engine;
using Enas.Search.Sharing;
using Enas.Search.Spaces;

namespace Enas.Search.Network;

/// <summary>
/// The authors' final macro network (<see cref="NetworkStyle.Final"/>): stem 3×3 conv + BN; per layer i the op
/// (conv 3×3 / 5×5, separable ones trained as dense convs: ReLU-1×1-BN then ReLU-k×k-BN; pools: ReLU-1×1-BN then
/// 3×3 pooling, where the authors' code crashes), then, for i > 0, the chosen stored outputs (skip bit j: the stem for
/// j = 0, layer j - 1 otherwise; <see cref="MacroSkipIndexing"/>) and the op output concatenated and ReLU-1×1-BN back to C; after each reduction layer every stored output that is read again is
/// factorised-reduced to twice the width (the authors' code reduces them all, dead weights included); global average pool, dropout, linear.
/// </summary>
internal sealed class MacroFinalNetwork : ChildNetwork
{
    private ConvBn _stem = null!;
    private (ConvBn Input, ConvBn? Conv, OpKind Op)[] _ops = [];
    private ConvBn?[] _combine = [];
    private Dictionary<int, FactorizedReduce?[]> _reductions = new();
    private MacroLayer[] _layers = [];
    private Parameter _fc = null!;
    private double _dropoutKeep;

    public static MacroFinalNetwork Build(MacroSpace space, Architecture arch, NetworkOptions o, IWeightSource source, Device device)
    {
        var rec = new RecordingSource(source);
        var layers = space.Decode(arch).ToArray();
        int width = o.Channels;
        var stem = MacroNetwork.Stem(rec, o);
        var ops = new (ConvBn, ConvBn?, OpKind)[layers.Length];
        var combine = new ConvBn?[layers.Length];
        var reductions = new Dictionary<int, FactorizedReduce?[]>();
        for (int i = 0; i < layers.Length; i++)
        {
            string layer = $"layer{i}";
            var op = layers[i].Op;
            var input = new ConvBn(rec, new WeightKey(layer, -1, op, "in_conv"), width, width, 1, true, false);
            var conv = op.IsPool() ? null : new ConvBn(rec, new WeightKey(layer, -1, op, "out_conv"), width, width, op.KernelSize(), true, false);
            ops[i] = (input, conv, op);
            int inputs = 1 + layers[i].Skips.Count(s => s);
            if (i > 0)
                combine[i] = new ConvBn(rec, new WeightKey(layer, -1, null, "skip_conv"), inputs * width, width, 1, true, false);
            if (space.ReductionAfter.Contains(i))
            {
                reductions[i] = MacroNetwork.Reductions(rec, i, width, 2 * width, device, p => MacroNetwork.UsedAfter(layers, i, p));
                width *= 2;
            }
        }
        var fc = MacroNetwork.Classifier(rec, o, width);
        return new MacroFinalNetwork
        {
            Architecture = arch,
            Parameters = rec.Used,
            ParameterCount = rec.Used.Sum(x => x.ElementCount),
            _stem = stem, _ops = ops, _combine = combine, _reductions = reductions, _layers = layers, _fc = fc,
            _dropoutKeep = o.DropoutKeep,
        };
    }

    /// <inheritdoc />
    public override ChildOutput Forward(Tensor images, ForwardContext ctx)
    {
        var x = _stem.Forward(images, ctx);
        var outputs = new List<Tensor>(_layers.Length + 1) { x };
        for (int i = 0; i < _layers.Length; i++)
        {
            var (input, conv, op) = _ops[i];
            var y = input.Forward(x, ctx);
            y = conv is not null ? conv.Forward(y, ctx) : Pools.Apply(op, y);
            if (_combine[i] is { } combine)
            {
                var parts = _layers[i].SkipSources.Select(p => outputs[p]).Append(y).ToArray();
                y = combine.Forward(parts.Length == 1 ? parts[0] : Tensor.Concat(parts, 1), ctx);
            }
            x = MacroNetwork.Store(outputs, y, _reductions.GetValueOrDefault(i), ctx);
        }
        return new ChildOutput(Head(x, _fc, _dropoutKeep, ctx, relu: false), null);
    }
}
