using Enas.Engine.Autodiff;

namespace Enas.Engine.Ops;

/// <summary>A view with a new shape (no copy); the gradient is reshaped back.</summary>
internal sealed class ReshapeOp : Op
{
    private readonly Tensor _x;
    private readonly Shape _shape;

    private ReshapeOp(Tensor x, Shape shape) => (_x, _shape) = (x, shape);

    public override string Name => "Reshape";

    internal override (Tracing.OpDescription, Tensor[])? Describe() => (new Tracing.ReshapeDescription(_shape), [_x]);

    public static Tensor Apply(Tensor x, int[] requested)
    {
        var dims = (int[])requested.Clone();
        int infer = Array.IndexOf(dims, -1);
        if (infer >= 0)
        {
            long known = 1;
            for (int i = 0; i < dims.Length; i++) if (i != infer) known *= dims[i];
            if (known == 0 || x.ElementCount % known != 0)
                throw new ShapeMismatchException("Reshape", $"cannot infer -1 when viewing {x.Shape} as [{string.Join(", ", dims)}]");
            dims[infer] = (int)(x.ElementCount / known);
        }
        var y = x.View(new Shape(dims));
        Tape.RecordIfNeeded(new ReshapeOp(x, y.Shape), y, x);
        return y;
    }

    public override void Backward(Tensor gradOutput, GradientSink sink) =>
        sink.Accumulate(_x, gradOutput.View(_x.Shape));
}
