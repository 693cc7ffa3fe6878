using Enas.Engine;
using Enas.Search.Sharing;
using Enas.Search.Spaces;

namespace Enas.Search.Network;

/// <summary>Channels and spatial size of a feature map.</summary>
internal readonly record struct FeatureShape(int Channels, int Size);

/// <summary>
/// One micro cell (normal or reduction) at position <c>cellIndex</c>. Inputs are calibrated to the cell's width C
/// (factorised reduction when the previous-previous input is larger, ReLU-1×1-BN when only the channels differ).
/// A reduction cell first applies a factorised reduction to the previous output and runs its stride-1 ops on the
/// reduced inputs (ENAS's emulation, used for search and retraining alike). The output is
/// BN(Σ_j 1×1conv_j(ReLU(n_j))) over the loose ends j, i.e. a 1×1 convolution of their concatenation.
/// </summary>
internal sealed class MicroCellNet : IMicroCell
{
    private readonly string _cell;
    private readonly bool _reduction;
    private readonly FactorizedReduce? _reduceInput;
    private readonly FactorizedReduce? _calibrateReduce0;
    private readonly ConvBn? _calibrate0, _calibrate1;
    private readonly (MicroOp A, MicroOp B)[] _ops;
    private readonly MicroCell? _arch;
    private readonly int[] _looseEnds;
    private readonly Parameter[] _outWeights;
    private readonly BatchNormSite _outBn;
    private readonly double _dropPathKeep;

    /// <summary>Output shape of this cell.</summary>
    public FeatureShape Output { get; }

    /// <summary>Builds cell <paramref name="cellIndex"/>; with <paramref name="arch"/> null every possible weight is declared.</summary>
    public MicroCellNet(IWeightSource source, Device device, int cellIndex, bool reduction, int width, int nodes,
        FeatureShape prevPrev, FeatureShape prev, MicroCell? arch, double dropPathKeep)
    {
        _cell = $"cell{cellIndex}";
        _reduction = reduction;
        _arch = arch;
        _dropPathKeep = dropPathKeep;
        FeatureShape s0 = prevPrev, s1 = prev;
        if (reduction)
        {
            _reduceInput = new FactorizedReduce(source, new WeightKey(_cell, -1, null, "reduce_input"), prev.Channels, width, device);
            (s0, s1) = (prev, new FeatureShape(width, (prev.Size + 1) / 2));
        }
        if (s0.Size != s1.Size)
            _calibrateReduce0 = new FactorizedReduce(source, new WeightKey(_cell, -1, null, "calibrate0"), s0.Channels, width, device);
        else if (s0.Channels != width)
            _calibrate0 = new ConvBn(source, new WeightKey(_cell, -1, null, "calibrate0"), s0.Channels, width, 1, true, false);
        if (s1.Channels != width)
            _calibrate1 = new ConvBn(source, new WeightKey(_cell, -1, null, "calibrate1"), s1.Channels, width, 1, true, false);

        if (arch is null)
        {
            _ops = [];
            for (int k = 0; k < nodes; k++)
                for (int input = 0; input < k + 2; input++)
                    foreach (var op in MicroSpace.Ops)
                        _ = new MicroOp(source, _cell, k + 2, input, op, width);
            _looseEnds = Enumerable.Range(0, nodes + 2).ToArray();
        }
        else
        {
            _ops = new (MicroOp, MicroOp)[nodes];
            for (int k = 0; k < nodes; k++)
            {
                var n = arch.Nodes[k];
                _ops[k] = (new MicroOp(source, _cell, k + 2, n.InputA, n.OpA, width),
                           new MicroOp(source, _cell, k + 2, n.InputB, n.OpB, width));
            }
            _looseEnds = arch.LooseEnds().ToArray();
        }
        _outWeights = new Parameter[_looseEnds.Length];
        for (int i = 0; i < _looseEnds.Length; i++)
            _outWeights[i] = source.Get(new WeightKey(_cell, _looseEnds[i], null, "out_conv"), new Shape(width, width, 1, 1),
                WeightInit.HeNormal, width * (nodes + 2));
        _outBn = new BatchNormSite(source, new WeightKey(_cell, -1, null, "out"), width);
        Output = new FeatureShape(width, s1.Size);
    }

    /// <summary>Computes the cell from its two inputs.</summary>
    public Tensor Forward(Tensor prevPrev, Tensor prev, ForwardContext ctx)
    {
        if (_arch is null) throw new InvalidOperationException("a declare-only cell cannot run");
        Tensor x0 = prevPrev, x1 = prev;
        if (_reduceInput is not null) (x0, x1) = (prev, _reduceInput.Forward(prev, ctx));
        if (_calibrateReduce0 is not null) x0 = _calibrateReduce0.Forward(x0, ctx);
        else if (_calibrate0 is not null) x0 = _calibrate0.Forward(x0, ctx);
        if (_calibrate1 is not null) x1 = _calibrate1.Forward(x1, ctx);

        var nodes = new Tensor[_ops.Length + 2];
        nodes[0] = x0;
        nodes[1] = x1;
        for (int k = 0; k < _ops.Length; k++)
        {
            var n = _arch.Nodes[k];
            var a = DropPath(_ops[k].A, _ops[k].A.Forward(nodes[n.InputA], ctx), ctx);
            var b = DropPath(_ops[k].B, _ops[k].B.Forward(nodes[n.InputB], ctx), ctx);
            nodes[k + 2] = a + b;
        }
        Tensor? sum = null;
        for (int i = 0; i < _looseEnds.Length; i++)
        {
            var y = nodes[_looseEnds[i]].Relu().Conv2D(_outWeights[i]);
            sum = sum is null ? y : sum + y;
        }
        return _outBn.Apply(sum!, ctx);
    }

    private Tensor DropPath(MicroOp op, Tensor x, ForwardContext ctx) =>
        op.IsIdentity ? x : Network.DropPath.Apply(x, _dropPathKeep, ctx);
}
