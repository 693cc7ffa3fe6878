using Enas.Engine.Autodiff;
using Enas.Kernels;

namespace Enas.Engine.Ops;

/// <summary>
/// Highway transition (recurrent highway networks, the ENAS recurrent cell's edge) as one op: pre [B, 2H] holds the
/// gate's and the candidate's pre-activations side by side, prev [B, H]; y = prev + σ(pre[:, :H]) ·
/// (TAct(pre[:, H:]) − prev) [B, H]. Replaces slice, slice, sigmoid, activation, subtract, multiply and add (and
/// their seven backward passes and intermediates) with one kernel each way; the math is
/// <see cref="HighwayMath"/>. The backward recomputes σ and TAct from pre and prev.
/// </summary>
internal sealed class HighwayOp<TAct> : Op where TAct : struct, IUnaryOp
{
    private readonly Tensor _pre, _prev;

    private HighwayOp(Tensor pre, Tensor prev) => (_pre, _prev) = (pre, prev);

    public override string Name => "Highway" + TAct.Name;

    public static Tensor Apply(Tensor pre, Tensor prev)
    {
        const string op = "Highway";
        OpChecks.SameDeviceAndFloat(op, pre, prev);
        OpChecks.Rank(op, prev, 2, "the previous state");
        OpChecks.Rank(op, pre, 2, "the pre-activations");
        int rows = prev.Shape[0], hidden = prev.Shape[1];
        if (pre.Shape[0] != rows || pre.Shape[1] != 2 * hidden)
            throw new ShapeMismatchException(op,
                $"pre-activations must be [B, 2H] = [{rows}, {2 * hidden}] for a previous state {prev.Shape}, got {pre.Shape}");
        var y = Tensor.EmptyLike(prev);
        pre.Backend.Highway<TAct>(rows, hidden, pre.Buffer, prev.Buffer, y.Buffer);
        Tape.RecordIfNeeded(new HighwayOp<TAct>(pre, prev), y, pre, prev);
        return y;
    }

    public override void Backward(Tensor gradOutput, GradientSink sink)
    {
        bool wantPre = GradientSink.Wants(_pre), wantPrev = GradientSink.Wants(_prev);
        var dpre = wantPre ? Tensor.EmptyLike(_pre) : null;
        var dprev = wantPrev ? Tensor.EmptyLike(_prev) : null;
        _pre.Backend.HighwayBackward<TAct>(_prev.Shape[0], _prev.Shape[1], _pre.Buffer, _prev.Buffer, gradOutput.Buffer,
            dpre?.Buffer, dprev?.Buffer);
        if (dpre is not null) sink.Accumulate(_pre, dpre);
        if (dprev is not null) sink.Accumulate(_prev, dprev);
    }
}
