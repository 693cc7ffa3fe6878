using Enas.Engine.Autodiff;
using Enas.Kernels;

namespace Enas.Engine.Ops;

/// <summary>
/// y = x[..., start : start + length, ...] along one axis (a copy). The backward writes the gradient into the same
/// window of a zero tensor shaped like x.
/// </summary>
internal sealed class SliceOp : Op
{
    private readonly Tensor _x;
    private readonly StridedCopyDescriptor _backward;

    private SliceOp(Tensor x, StridedCopyDescriptor backward) => (_x, _backward) = (x, backward);

    public override string Name => "Slice";

    public static Tensor Apply(Tensor x, int axis, int start, int length)
    {
        OpChecks.SameDeviceAndFloat("Slice", x);
        int rank = x.Shape.Rank;
        int ax = axis < 0 ? axis + rank : axis;
        if (rank == 0 || ax < 0 || ax >= rank)
            throw new ShapeMismatchException("Slice", $"axis {axis} is out of range for {x.Shape}");
        int dim = x.Shape[ax];
        if (start < 0 || length < 0 || (long)start + length > dim)
            throw new ShapeMismatchException("Slice",
                $"range [{start}, {(long)start + length}) is outside [0, {dim}) on axis {ax} of {x.Shape}");
        long outer = 1, inner = 1;
        for (int d = 0; d < ax; d++) outer *= x.Shape[d];
        for (int d = ax + 1; d < rank; d++) inner *= x.Shape[d];
        var dims = x.Shape.ToArray();
        dims[ax] = length;
        var y = Tensor.EmptyLike(x, new Shape(dims));
        long len = length * inner, rowIn = dim * inner;
        if (len > 0 && outer > 0)
            x.Backend.CopyStrided(new StridedCopyDescriptor(outer, len, start * inner, rowIn, 0, len), x.Buffer, y.Buffer);
        Tape.RecordIfNeeded(new SliceOp(x, new StridedCopyDescriptor(outer, len, 0, len, start * inner, rowIn)), y, x);
        return y;
    }

    public override void Backward(Tensor gradOutput, GradientSink sink)
    {
        var dx = Tensor.ZerosLike(_x);
        if (_backward.RowLength > 0 && _backward.Rows > 0)
            _x.Backend.CopyStrided(_backward, gradOutput.Buffer, dx.Buffer);
        sink.Accumulate(_x, dx);
    }
}
