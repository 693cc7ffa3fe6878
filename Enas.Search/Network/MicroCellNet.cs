using Enas.Engine;
using Enas.Search.Sharing;
using Enas.Search.Spaces;

namespace Enas.Search.Network;

/// <summary>Channels and spatial size of a feature map.</summary>
internal readonly record struct FeatureShape(int Channels, int Size);

/// <summary>
/// One micro search cell (normal or reduction) at position <c>cellIndex</c>: inputs calibrated to the cell's width C
/// (<see cref="MicroCellInputs"/>), each node the sum of its two ops on earlier nodes, the loose ends combined by
/// <see cref="MicroCellCombine"/>. A reduction cell runs its stride-1 ops on the reduced inputs (ENAS's emulation,
/// used for search and retraining alike).
/// </summary>
internal sealed class MicroCellNet : IMicroCell
{
    private readonly MicroCellInputs _inputs;
    private readonly (MicroOp A, MicroOp B)[] _ops;
    private readonly MicroCell _arch;
    private readonly MicroCellCombine _combine;
    private readonly double _dropPathKeep;

    /// <summary>Output shape of this cell.</summary>
    public FeatureShape Output { get; }

    /// <summary>Builds cell <paramref name="cellIndex"/> of <paramref name="arch"/>.</summary>
    public MicroCellNet(IWeightSource source, Device device, int cellIndex, bool reduction, int width,
        FeatureShape prevPrev, FeatureShape prev, MicroCell arch, double dropPathKeep)
    {
        string cell = Name(cellIndex);
        (_arch, _dropPathKeep) = (arch, dropPathKeep);
        _inputs = new MicroCellInputs(source, device, cell, reduction, width, prevPrev, prev);
        int nodes = arch.Nodes.Length;
        _ops = new (MicroOp, MicroOp)[nodes];
        for (int k = 0; k < nodes; k++)
        {
            var n = arch.Nodes[k];
            _ops[k] = (new MicroOp(source, cell, k + 2, n.InputA, n.OpA, width),
                       new MicroOp(source, cell, k + 2, n.InputB, n.OpB, width));
        }
        _combine = new MicroCellCombine(source, cell, arch.LooseEnds(), width, nodes);
        Output = new FeatureShape(width, _inputs.Size);
    }

    /// <summary>
    /// Declares in <paramref name="bank"/> every weight cell <paramref name="cellIndex"/> of a space with
    /// <paramref name="nodes"/> nodes can use, in the bank's order: the input calibration, every op of
    /// <see cref="MicroSpace.Ops"/> on every edge (node, then input, then op), one 1×1 output conv per node, the
    /// output BN. Returns the cell's output shape.
    /// </summary>
    public static FeatureShape Declare(IWeightSource bank, Device device, int cellIndex, bool reduction, int width,
        int nodes, FeatureShape prevPrev, FeatureShape prev)
    {
        string cell = Name(cellIndex);
        var inputs = new MicroCellInputs(bank, device, cell, reduction, width, prevPrev, prev);
        for (int k = 0; k < nodes; k++)
            for (int input = 0; input < k + 2; input++)
                foreach (var op in MicroSpace.Ops)
                    _ = new MicroOp(bank, cell, k + 2, input, op, width);
        _ = new MicroCellCombine(bank, cell, Enumerable.Range(0, nodes + 2).ToArray(), width, nodes);
        return new FeatureShape(width, inputs.Size);
    }

    /// <summary>Computes the cell from its two inputs.</summary>
    public Tensor Forward(Tensor prevPrev, Tensor prev, ForwardContext ctx)
    {
        var (x0, x1) = _inputs.Forward(prevPrev, prev, ctx);
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
        return _combine.Forward(nodes, ctx);
    }

    private static string Name(int cellIndex) => $"cell{cellIndex}";

    private Tensor DropPath(MicroOp op, Tensor x, ForwardContext ctx) =>
        op.IsIdentity ? x : Network.DropPath.Apply(x, _dropPathKeep, ctx);
}
