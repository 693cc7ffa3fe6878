using Enas.Engine;
using Enas.Search.Sharing;
using Enas.Search.Spaces;

namespace Enas.Search.Network.Recurrent;

/// <summary>
/// One step of an ENAS recurrent cell on weights from a <see cref="RnnWeightBank"/> (shared or fresh; the same code).
/// Node 0: c = σ(x·Wx_c + h_{t-1}·Wh_c), s_0 = h_{t-1} + c·(f(x·Wx_h + h_{t-1}·Wh_h) − h_{t-1}). Node i reading j:
/// c = σ(s_j·W_c), s_i = s_j + c·(f(s_j·W_h) − s_j) (the highway c·f + (1 − c)·s_j). h_t = mean of the loose ends
/// (or of all nodes, <see cref="RnnCellOutput.AllNodes"/>).
/// </summary>
public sealed class RecurrentCell
{
    private readonly RnnWeightBank _weights;
    private readonly IReadOnlyList<int> _outputs;

    /// <summary>Binds <paramref name="cell"/> to <paramref name="weights"/> (which must hold its edges); h_t is the mean
    /// of the nodes <paramref name="output"/> selects.</summary>
    public RecurrentCell(RnnCellSpec cell, RnnWeightBank weights, RnnCellOutput output = RnnCellOutput.LooseEnds)
    {
        if (cell.Nodes.Length != weights.Nodes)
            throw new ArgumentException($"cell has {cell.Nodes.Length} nodes, weights are for {weights.Nodes}");
        for (int i = 1; i < cell.Nodes.Length; i++)
            if (!weights.HasEdge(i, cell.Nodes[i].Input))
                throw new ArgumentException($"weights lack edge {cell.Nodes[i].Input} -> {i} that the cell uses");
        Spec = cell;
        _weights = weights;
        _outputs = cell.OutputNodes(output);
    }

    /// <summary>The decoded cell.</summary>
    public RnnCellSpec Spec { get; }

    /// <summary>Hidden size H.</summary>
    public int Hidden => _weights.Hidden;

    /// <summary>Projects inputs x [n, D] (all time steps at once) to node 0's pre-activations [n, 2H].</summary>
    public Tensor ProjectInput(Tensor x) => x.MatMul(_weights.Input);

    /// <summary>
    /// One step: <paramref name="xProjected"/> [B, 2H] (rows of <see cref="ProjectInput"/>), h_{t-1} [B, H] and the
    /// recurrent matrix to use [H, 2H] (the bank's, or a DropConnect copy of it) to h_t [B, H].
    /// </summary>
    public Tensor Step(Tensor xProjected, Tensor hPrev, Tensor recurrent)
    {
        var nodes = Spec.Nodes;
        var states = new Tensor[nodes.Length];
        states[0] = Highway(xProjected + hPrev.MatMul(recurrent), hPrev, nodes[0].Activation);
        for (int i = 1; i < nodes.Length; i++)
        {
            var from = states[nodes[i].Input];
            states[i] = Highway(from.MatMul(_weights.Edge(i, nodes[i].Input)), from, nodes[i].Activation);
        }
        var ends = _outputs;
        var sum = states[ends[0]];
        for (int k = 1; k < ends.Count; k++) sum = sum + states[ends[k]];
        return ends.Count == 1 ? sum : sum * (1.0 / ends.Count);
    }

    /// <summary>prev + σ(pre[:, :H]) · (f(pre[:, H:]) − prev), one fused engine op.</summary>
    private static Tensor Highway(Tensor pre, Tensor prev, RnnActivation activation) => activation switch
    {
        RnnActivation.Tanh => pre.Highway<Kernels.Tanh>(prev),
        RnnActivation.Relu => pre.Highway<Kernels.Relu>(prev),
        RnnActivation.Identity => pre.Highway<Kernels.Identity>(prev),
        RnnActivation.Sigmoid => pre.Highway<Kernels.Sigmoid>(prev),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation"),
    };
}
