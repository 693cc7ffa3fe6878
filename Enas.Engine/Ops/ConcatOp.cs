using Enas.Engine.Autodiff;
using Enas.Kernels;

namespace Enas.Engine.Ops;

/// <summary>
/// Concatenation along one axis. Viewing every tensor as [outer, dim(axis) * inner], each input is a strided row
/// copy into the output; the backward copies the same rows back out.
/// </summary>
internal sealed class ConcatOp : Op
{
    private readonly Tensor[] _inputs;
    private readonly long _outer;
    private readonly long _inner;
    private readonly long _total;
    private readonly int _axis;

    private ConcatOp(Tensor[] inputs, long outer, long inner, long total, int axis) =>
        (_inputs, _outer, _inner, _total, _axis) = (inputs, outer, inner, total, axis);

    public override string Name => "Concat";

    internal override (Tracing.OpDescription, Tensor[])? Describe() => (new Tracing.ConcatDescription(_axis), _inputs);

    public static Tensor Apply(IReadOnlyList<Tensor> tensors, int axis)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("Concat: needs at least one tensor", nameof(tensors));
        var inputs = new Tensor[tensors.Count];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = tensors[i];
        OpChecks.SameDeviceAndFloat("Concat", inputs);
        var first = inputs[0].Shape;
        int rank = first.Rank;
        int ax = axis < 0 ? axis + rank : axis;
        if (rank == 0 || ax < 0 || ax >= rank)
            throw new ShapeMismatchException("Concat", $"axis {axis} is out of range for {first}");
        long total = 0;
        foreach (var t in inputs)
        {
            bool ok = t.Shape.Rank == rank;
            for (int d = 0; ok && d < rank; d++) ok = d == ax || t.Shape[d] == first[d];
            if (!ok)
                throw new ShapeMismatchException("Concat",
                    $"shapes {first} and {t.Shape} differ outside axis {ax}");
            total += t.Shape[ax];
        }
        var dims = first.ToArray();
        dims[ax] = checked((int)total);
        long outer = 1, inner = 1;
        for (int d = 0; d < ax; d++) outer *= first[d];
        for (int d = ax + 1; d < rank; d++) inner *= first[d];
        var y = Tensor.EmptyLike(inputs[0], new Shape(dims));
        long offset = 0;
        foreach (var t in inputs)
        {
            long len = t.Shape[ax] * inner;
            if (len > 0 && outer > 0)
                y.Backend.CopyStrided(new StridedCopyDescriptor(outer, len, 0, len, offset, total * inner), t.Buffer,
                    y.Buffer);
            offset += len;
        }
        Tape.RecordIfNeeded(new ConcatOp(inputs, outer, inner, total, ax), y, inputs);
        return y;
    }

    public override void Backward(Tensor gradOutput, GradientSink sink)
    {
        long offset = 0;
        foreach (var t in _inputs)
        {
            long len = t.ElementCount / Math.Max(1, _outer);
            if (GradientSink.Wants(t))
            {
                var g = Tensor.EmptyLike(t);
                if (len > 0)
                    t.Backend.CopyStrided(new StridedCopyDescriptor(_outer, len, offset, _total * _inner, 0, len),
                        gradOutput.Buffer, g.Buffer);
                sink.Accumulate(t, g);
            }
            offset += len;
        }
    }
}
