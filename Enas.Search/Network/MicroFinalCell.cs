using Enas.Engine;
using Enas.Search.Sharing;
using Enas.Search.Spaces;

namespace Enas.Search.Network;

/// <summary>
/// A micro cell of the authors' final network (<see cref="NetworkStyle.Final"/>). The previous-previous input is
/// calibrated to the cell's width C (ReLU + factorised reduction when it is larger, ReLU-1×1-BN when only the channels
/// differ), the previous one to C channels (ReLU-1×1-BN when they differ) and then always through one more
/// ReLU-1×1-BN (the official <c>layer_base</c>); each node adds its two ops, strided when a reduction cell's
/// op reads a cell input; the loose ends are concatenated (a loose cell input of a reduction cell is first reduced),
/// so the output has (loose ends)·C channels.
/// </summary>
internal sealed class MicroFinalCell : IMicroCell
{
    private readonly FactorizedReduce? _reduce0;
    private readonly ConvBn? _project0;
    private readonly ConvBn? _project1;
    private readonly ConvBn _base1;
    private readonly MicroCell _arch;
    private readonly (MicroFinalOp A, MicroFinalOp B)[] _ops;
    private readonly int[] _looseEnds;
    private readonly Dictionary<int, FactorizedReduce> _reduceLoose = new();
    private readonly double _dropPathKeep;

    public MicroFinalCell(IWeightSource source, Device device, int cellIndex, bool reduction, int width,
        FeatureShape prevPrev, FeatureShape prev, MicroCell arch, double dropPathKeep)
    {
        string cell = $"cell{cellIndex}";
        (_arch, _dropPathKeep) = (arch, dropPathKeep);
        if (prevPrev.Size != prev.Size)
            _reduce0 = new FactorizedReduce(source, new WeightKey(cell, -1, null, "calibrate0"), prevPrev.Channels, width, device);
        else if (prevPrev.Channels != width)
            _project0 = new ConvBn(source, new WeightKey(cell, -1, null, "calibrate0"), prevPrev.Channels, width, 1, true, false);
        if (prev.Channels != width)
            _project1 = new ConvBn(source, new WeightKey(cell, -1, null, "calibrate1"), prev.Channels, width, 1, true, false);
        _base1 = new ConvBn(source, new WeightKey(cell, -1, null, "base1"), width, width, 1, true, false);
        int stride = reduction ? 2 : 1;
        _ops = new (MicroFinalOp, MicroFinalOp)[arch.Nodes.Length];
        for (int k = 0; k < _ops.Length; k++)
        {
            var n = arch.Nodes[k];
            _ops[k] = (new MicroFinalOp(source, device, cell, k + 2, 0, n.OpA, width, n.InputA < 2 ? stride : 1),
                       new MicroFinalOp(source, device, cell, k + 2, 1, n.OpB, width, n.InputB < 2 ? stride : 1));
        }
        _looseEnds = arch.LooseEnds().ToArray();
        foreach (int i in _looseEnds.Where(i => i < 2 && reduction))
            _reduceLoose[i] = new FactorizedReduce(source, new WeightKey(cell, i, null, "combine_reduce"), width, width, device);
        Output = new FeatureShape(_looseEnds.Length * width, reduction ? (prev.Size + 1) / 2 : prev.Size);
    }

    /// <inheritdoc />
    public FeatureShape Output { get; }

    /// <inheritdoc />
    public Tensor Forward(Tensor prevPrev, Tensor prev, ForwardContext ctx)
    {
        var x0 = _reduce0 is not null ? _reduce0.Forward(prevPrev.Relu(), ctx) : _project0?.Forward(prevPrev, ctx) ?? prevPrev;
        var nodes = new Tensor[_ops.Length + 2];
        nodes[0] = x0;
        nodes[1] = _base1.Forward(_project1?.Forward(prev, ctx) ?? prev, ctx);
        for (int k = 0; k < _ops.Length; k++)
        {
            var n = _arch.Nodes[k];
            nodes[k + 2] = Branch(_ops[k].A, nodes[n.InputA], ctx) + Branch(_ops[k].B, nodes[n.InputB], ctx);
        }
        var parts = _looseEnds.Select(i => _reduceLoose.TryGetValue(i, out var r) ? r.Forward(nodes[i], ctx) : nodes[i]).ToArray();
        return parts.Length == 1 ? parts[0] : Tensor.Concat(parts, 1);
    }

    private Tensor Branch(MicroFinalOp op, Tensor x, ForwardContext ctx)
    {
        var y = op.Forward(x, ctx);
        return op.IsDroppable ? DropPath.Apply(y, _dropPathKeep, ctx) : y;
    }
}
