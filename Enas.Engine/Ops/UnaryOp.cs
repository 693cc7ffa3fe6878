using Enas.Engine.Autodiff;
using Enas.Kernels;

namespace Enas.Engine.Ops;

/// <summary>y = TOp(x) elementwise; backward dx = TOp.Backward(x, y, dy).</summary>
internal sealed class UnaryOp<TOp> : Op where TOp : struct, IUnaryOp
{
    private readonly Tensor _x;
    private readonly Tensor _y;

    private UnaryOp(Tensor x, Tensor y) => (_x, _y) = (x, y);

    public override string Name => TOp.Name;

    internal override (Tracing.OpDescription, Tensor[])? Describe() => (new Tracing.UnaryDescription(TOp.Name), [_x]);

    public static Tensor Apply(Tensor x)
    {
        OpChecks.SameDeviceAndFloat(TOp.Name, x);
        var y = Tensor.EmptyLike(x);
        x.Backend.Unary<TOp>(x.Buffer, y.Buffer, x.ElementCount);
        Tape.RecordIfNeeded(new UnaryOp<TOp>(x, y), y, x);
        return y;
    }

    public override void Backward(Tensor gradOutput, GradientSink sink)
    {
        var dx = Tensor.EmptyLike(_x);
        _x.Backend.UnaryBackward<TOp>(_x.Buffer, _y.Buffer, gradOutput.Buffer, dx.Buffer, _x.ElementCount);
        sink.Accumulate(_x, dx);
    }
}

/// <summary>y = alpha * x + beta.</summary>
internal sealed class ScaleShiftOp : Op
{
    private readonly Tensor _x;
    private readonly double _alpha, _beta;

    private ScaleShiftOp(Tensor x, double alpha, double beta) => (_x, _alpha, _beta) = (x, alpha, beta);

    public override string Name => "ScaleShift";

    internal override (Tracing.OpDescription, Tensor[])? Describe() => (new Tracing.ScaleShiftDescription(_alpha, _beta), [_x]);

    public static Tensor Apply(Tensor x, double alpha, double beta)
    {
        OpChecks.SameDeviceAndFloat("ScaleShift", x);
        var y = Tensor.EmptyLike(x);
        x.Backend.ScaleShift(x.Buffer, y.Buffer, x.ElementCount, alpha, beta);
        Tape.RecordIfNeeded(new ScaleShiftOp(x, alpha, beta), y, x);
        return y;
    }

    public override void Backward(Tensor gradOutput, GradientSink sink)
    {
        var dx = Tensor.EmptyLike(_x);
        _x.Backend.ScaleShift(gradOutput.Buffer, dx.Buffer, dx.ElementCount, _alpha, 0);
        sink.Accumulate(_x, dx);
    }
}
