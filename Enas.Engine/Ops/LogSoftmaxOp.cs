using Enas.Engine.Autodiff;

namespace Enas.Engine.Ops;

/// <summary>y [rows, cols] = log_softmax(x) along each row; backward dx = dy - exp(y) * rowsum(dy).</summary>
internal sealed class LogSoftmaxOp : Op
{
    private readonly Tensor _x;
    private readonly Tensor _y;

    private LogSoftmaxOp(Tensor x, Tensor y) => (_x, _y) = (x, y);

    public override string Name => "LogSoftmax";

    public static Tensor Apply(Tensor x)
    {
        OpChecks.SameDeviceAndFloat("LogSoftmax", x);
        OpChecks.Rank("LogSoftmax", x, 2, "input [rows, cols]");
        if (x.Shape[1] == 0)
            throw new ShapeMismatchException("LogSoftmax", $"rows must not be empty, got {x.Shape}");
        var y = Tensor.EmptyLike(x);
        x.Backend.LogSoftmax(x.Shape[0], x.Shape[1], x.Buffer, y.Buffer);
        Tape.RecordIfNeeded(new LogSoftmaxOp(x, y), y, x);
        return y;
    }

    public override void Backward(Tensor gradOutput, GradientSink sink)
    {
        var dx = Tensor.EmptyLike(_x);
        _x.Backend.LogSoftmaxBackward(_x.Shape[0], _x.Shape[1], _y.Buffer, gradOutput.Buffer, dx.Buffer);
        sink.Accumulate(_x, dx);
    }
}
