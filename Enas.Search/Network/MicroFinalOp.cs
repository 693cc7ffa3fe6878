using Enas.Engine;
using Enas.Search.Sharing;
using Enas.Search.Spaces;

namespace Enas.Search.Network;

/// <summary>
/// One op of a final-network micro cell on C channels, with stride 1 or (reading a reduction cell's input) 2:
/// sep-conv = (ReLU → separable conv → BN) twice, the stride on the first depthwise step; 3×3 pools with the stride;
/// identity, or a factorised reduction when strided.
/// </summary>
internal sealed class MicroFinalOp
{
    private readonly OpKind _op;
    private readonly int _stride;
    private readonly SeparableConv[] _convs = [];
    private readonly BatchNormSite[] _bns = [];
    private readonly FactorizedReduce? _reduce;

    public MicroFinalOp(IWeightSource source, Device device, string cell, int node, int branch, OpKind op, int channels, int stride)
    {
        (_op, _stride) = (op, stride);
        if (op.IsSeparable())
        {
            _convs = new SeparableConv[2];
            _bns = new BatchNormSite[2];
            for (int s = 0; s < 2; s++)
            {
                var key = new WeightKey(cell, node, op, $"branch{branch}.sep{s}");
                _convs[s] = new SeparableConv(source, key, channels, channels, op.KernelSize(), s == 0 ? stride : 1);
                _bns[s] = new BatchNormSite(source, key, channels);
            }
        }
        else if (op == OpKind.Identity && stride == 2)
            _reduce = new FactorizedReduce(source, new WeightKey(cell, node, op, $"branch{branch}.reduce"), channels, channels, device);
    }

    /// <summary>False for identity (strided or not), which drop-path leaves alone as the official code does.</summary>
    public bool IsDroppable => _op != OpKind.Identity;

    /// <summary>[N, C, H, W] to [N, C, ceil(H / stride), ceil(W / stride)].</summary>
    public Tensor Forward(Tensor x, ForwardContext ctx)
    {
        if (_op == OpKind.Identity) return _reduce is null ? x : _reduce.Forward(x, ctx);
        if (_op == OpKind.AvgPool3x3) return x.AvgPool2D(3, _stride, 1);
        if (_op == OpKind.MaxPool3x3) return x.MaxPool2D(3, _stride, 1);
        for (int s = 0; s < _convs.Length; s++) x = _bns[s].Apply(_convs[s].ForwardRelu(x), ctx);
        return x;
    }
}
