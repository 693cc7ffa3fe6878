using Enas.Engine.Autodiff;
using Enas.Kernels;

namespace Enas.Engine.Ops;

/// <summary>Sum, mean or max over a contiguous range of axes [first, last].</summary>
internal sealed class ReduceOp : Op
{
    private readonly Tensor _x;
    private readonly Tensor _y;
    private readonly ReduceDescriptor _desc;
    private readonly (int First, int Last, bool KeepDims) _axes;

    private ReduceOp(Tensor x, Tensor y, ReduceDescriptor desc, (int, int, bool) axes) =>
        (_x, _y, _desc, _axes) = (x, y, desc, axes);

    public override string Name => "Reduce" + _desc.Kind;

    internal override (Tracing.OpDescription, Tensor[])? Describe() =>
        (new Tracing.ReduceDescription(_desc.Kind, _axes.First, _axes.Last, _axes.KeepDims), [_x]);

    public static Tensor Apply(Tensor x, ReduceKind kind, int firstAxis, int lastAxis, bool keepDims)
    {
        string name = "Reduce" + kind;
        OpChecks.SameDeviceAndFloat(name, x);
        int rank = x.Shape.Rank;
        if (rank == 0) { firstAxis = 0; lastAxis = -1; }
        else
        {
            if (firstAxis < 0) firstAxis += rank;
            if (lastAxis < 0) lastAxis += rank;
            if (firstAxis < 0 || lastAxis >= rank || firstAxis > lastAxis)
                throw new ShapeMismatchException(name, $"axes [{firstAxis}, {lastAxis}] are out of range for {x.Shape}");
        }
        long outer = 1, reduced = 1, inner = 1;
        var dims = x.Shape.Dims;
        var outDims = new List<int>();
        for (int i = 0; i < rank; i++)
        {
            if (i < firstAxis) { outer *= dims[i]; outDims.Add(dims[i]); }
            else if (i <= lastAxis) { reduced *= dims[i]; if (keepDims) outDims.Add(1); }
            else { inner *= dims[i]; outDims.Add(dims[i]); }
        }
        if (reduced == 0)
            throw new ShapeMismatchException(name, $"cannot reduce over an empty axis of {x.Shape}");
        var desc = new ReduceDescriptor(kind, outer, reduced, inner);
        var y = Tensor.EmptyLike(x, new Shape(outDims.ToArray()));
        x.Backend.Reduce(desc, x.Buffer, y.Buffer);
        Tape.RecordIfNeeded(new ReduceOp(x, y, desc, (firstAxis, lastAxis, keepDims)), y, x);
        return y;
    }

    public override void Backward(Tensor gradOutput, GradientSink sink)
    {
        var dx = Tensor.EmptyLike(_x);
        _x.Backend.ReduceBackward(_desc, _x.Buffer, _y.Buffer, gradOutput.Buffer, dx.Buffer);
        sink.Accumulate(_x, dx);
    }
}
