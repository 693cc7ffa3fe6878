using Enas.Engine;
using Enas.Search.Sharing;

namespace Enas.Search.Network;

/// <summary>A search cell's output: BN(Σ_j 1×1conv_j(ReLU(n_j))) over the loose ends j, i.e. a 1×1 convolution of
/// their concatenation. The shared bank holds one 1×1 conv per node (any node can be a loose end).</summary>
internal sealed class MicroCellCombine
{
    private readonly int[] _looseEnds;
    private readonly Parameter[] _weights;
    private readonly BatchNormSite _bn;

    /// <summary>Takes the weights for <paramref name="looseEnds"/> (node ids 0..nodes+1) of cell <paramref name="cell"/>
    /// of width <paramref name="width"/> with <paramref name="nodes"/> computed nodes.</summary>
    public MicroCellCombine(IWeightSource source, string cell, IReadOnlyList<int> looseEnds, int width, int nodes)
    {
        _looseEnds = looseEnds.ToArray();
        _weights = new Parameter[_looseEnds.Length];
        for (int i = 0; i < _looseEnds.Length; i++)
            _weights[i] = source.Get(new WeightKey(cell, _looseEnds[i], null, "out_conv"), new Shape(width, width, 1, 1),
                WeightInit.HeNormal, width * (nodes + 2));
        _bn = new BatchNormSite(source, new WeightKey(cell, -1, null, "out"), width);
    }

    /// <summary>Every node's output, each [N, C, H, W], to the cell output [N, C, H, W].</summary>
    public Tensor Forward(Tensor[] nodes, ForwardContext ctx)
    {
        Tensor? sum = null;
        for (int i = 0; i < _looseEnds.Length; i++)
        {
            var y = nodes[_looseEnds[i]].Relu().Conv2D(_weights[i]);
            sum = sum is null ? y : sum + y;
        }
        return _bn.Apply(sum!, ctx);
    }
}
