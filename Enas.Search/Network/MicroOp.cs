using Enas.Engine;
using Enas.Search.Sharing;
using Enas.Search.Spaces;

namespace Enas.Search.Network;

/// <summary>
/// One candidate op on one edge of a micro cell. Sep-convs are (ReLU → separable conv → BN) stacked twice, with
/// weights specific to (cell, node, input index, op) as in ENAS; pools are 3×3 stride 1; identity passes through.
/// </summary>
internal sealed class MicroOp
{
    private readonly OpKind _op;
    private readonly SeparableConv[] _convs = [];
    private readonly BatchNormSite[] _bns = [];

    public MicroOp(IWeightSource source, string cell, int node, int input, OpKind op, int channels)
    {
        _op = op;
        if (!op.IsSeparable()) return;
        _convs = new SeparableConv[2];
        _bns = new BatchNormSite[2];
        for (int s = 0; s < 2; s++)
        {
            var key = new WeightKey(cell, node, op, $"sep{s}", input);
            _convs[s] = new SeparableConv(source, key, channels, channels, op.KernelSize());
            _bns[s] = new BatchNormSite(source, key, channels);
        }
    }

    public bool IsIdentity => _op == OpKind.Identity;

    /// <summary>[N, C, H, W] to the same shape.</summary>
    public Tensor Forward(Tensor x, ForwardContext ctx)
    {
        if (_op == OpKind.Identity) return x;
        if (_op.IsPool()) return Pools.Apply(_op, x);
        for (int s = 0; s < _convs.Length; s++) x = _bns[s].Apply(_convs[s].ForwardRelu(x), ctx);
        return x;
    }
}
