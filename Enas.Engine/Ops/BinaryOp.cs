using Enas.Engine.Autodiff;
using Enas.Kernels;

namespace Enas.Engine.Ops;

/// <summary>
/// c = TOp(a, b) with numpy broadcasting (rank &lt;= 4). Backward computes full-size gradients and sums them back
/// to each operand's shape where it was broadcast; a sum passes the output gradient on unchanged to operands of the
/// output's shape (the node sums of an ENAS cell), with no copy.
/// </summary>
internal sealed class BinaryOp<TOp> : Op where TOp : struct, IBinaryOp
{
    private readonly Tensor _a;
    private readonly Tensor _b;
    private readonly BroadcastDescriptor _desc;
    private readonly Shape _out;

    private BinaryOp(Tensor a, Tensor b, BroadcastDescriptor desc, Shape output) =>
        (_a, _b, _desc, _out) = (a, b, desc, output);

    public override string Name => TOp.Name;

    internal override (Tracing.OpDescription, Tensor[])? Describe() => (new Tracing.BinaryDescription(TOp.Name), [_a, _b]);

    public static Tensor Apply(Tensor a, Tensor b)
    {
        OpChecks.SameDeviceAndFloat(TOp.Name, a, b);
        var (desc, shape) = Broadcast(TOp.Name, a.Shape, b.Shape);
        var c = Tensor.EmptyLike(a, shape);
        a.Backend.Binary<TOp>(desc, a.Buffer, b.Buffer, c.Buffer);
        Tape.RecordIfNeeded(new BinaryOp<TOp>(a, b, desc, shape), c, a, b);
        return c;
    }

    internal static (BroadcastDescriptor Desc, Shape Shape) Broadcast(string op, Shape a, Shape b)
    {
        Span<int> outDims = stackalloc int[4];
        var desc = BroadcastDescriptor.Create(a.Dims, b.Dims, outDims);
        if (desc is null)
            throw new ShapeMismatchException(op,
                $"shapes {a} and {b} cannot be broadcast together (rank <= 4, sizes equal or 1)");
        return (desc.Value, new Shape(outDims[..Math.Max(a.Rank, b.Rank)]));
    }

    public override void Backward(Tensor gradOutput, GradientSink sink)
    {
        bool wantA = GradientSink.Wants(_a), wantB = GradientSink.Wants(_b);
        // A sum's gradient is the output gradient itself for every operand of the output's shape (a difference's,
        // for its first operand): hand that tensor on instead of copying it. The sink never writes into a gradient
        // it was given (x + x included), so sharing it is safe, and the values are the copies' bit for bit.
        bool passA = wantA && _a.Shape == _out && (typeof(TOp) == typeof(Add) || typeof(TOp) == typeof(Subtract));
        bool passB = wantB && _b.Shape == _out && typeof(TOp) == typeof(Add);
        if (passA) sink.Accumulate(_a, gradOutput);
        if (passB) sink.Accumulate(_b, gradOutput);
        (wantA, wantB) = (wantA && !passA, wantB && !passB);
        if (!wantA && !wantB) return;
        var fullA = wantA ? Tensor.EmptyLike(gradOutput) : null;
        var fullB = wantB ? Tensor.EmptyLike(gradOutput) : null;
        var backend = _a.Backend;
        backend.BinaryBackward<TOp>(_desc, _a.Buffer, _b.Buffer, gradOutput.Buffer, fullA?.Buffer, fullB?.Buffer);
        if (fullA is not null) sink.Accumulate(_a, ReduceTo(fullA, _a.Shape, _b.Shape));
        if (fullB is not null) sink.Accumulate(_b, ReduceTo(fullB, _b.Shape, _a.Shape));
    }

    private Tensor ReduceTo(Tensor full, Shape target, Shape other)
    {
        if (target == _out) return full;
        // Build a descriptor whose operand A is the target, then sum the full gradient into it.
        var (desc, _) = Broadcast(Name, target, other);
        var reduced = Tensor.EmptyLike(full, target);
        full.Backend.SumToBroadcastOperand(desc, full.Buffer, reduced.Buffer);
        return reduced;
    }
}
