using Enas.Engine.Autodiff;
using Enas.Kernels;

namespace Enas.Engine.Ops;

/// <summary>Max or average pooling of x [N, C, H, W] with a square window; backward via the pooling kernel.</summary>
internal sealed class Pool2DOp : Op
{
    private readonly Tensor _x;
    private readonly Tensor _y;
    private readonly Pool2DDescriptor _desc;

    private Pool2DOp(Tensor x, Tensor y, Pool2DDescriptor desc) => (_x, _y, _desc) = (x, y, desc);

    public override string Name => _desc.Kind == PoolKind.Max ? "MaxPool2D" : "AvgPool2D";

    internal override (Tracing.OpDescription, Tensor[])? Describe() =>
        (new Tracing.PoolDescription(_desc.Kind, _desc.Window, _desc.Stride, _desc.Pad), [_x]);

    public static Tensor Apply(Tensor x, PoolKind kind, int window, int stride, int padding)
    {
        string name = kind == PoolKind.Max ? "MaxPool2D" : "AvgPool2D";
        OpChecks.SameDeviceAndFloat(name, x);
        OpChecks.Rank(name, x, 4, "input (NCHW)");
        var (n, c, h, w) = x.Shape;
        if (window <= 0 || stride <= 0)
            throw new ShapeMismatchException(name, $"window {window} and stride {stride} must be positive");
        if (padding < 0 || padding >= window)
            throw new ShapeMismatchException(name, $"padding {padding} must be in [0, window {window})");
        var desc = new Pool2DDescriptor(kind, n, c, h, w, window, stride, padding);
        if (n == 0 || c == 0 || h + 2 * padding < window || w + 2 * padding < window)
            throw new ShapeMismatchException(name,
                $"window {window} with padding {padding} does not fit input {x.Shape}");
        var y = Tensor.EmptyLike(x, new Shape(n, c, desc.OutH, desc.OutW));
        x.Backend.Pool2DForward(desc, x.Buffer, y.Buffer);
        Tape.RecordIfNeeded(new Pool2DOp(x, y, desc), y, x);
        return y;
    }

    public override void Backward(Tensor gradOutput, GradientSink sink)
    {
        var dx = Tensor.EmptyLike(_x);
        _x.Backend.Pool2DBackward(_desc, _x.Buffer, _y.Buffer, gradOutput.Buffer, dx.Buffer);
        sink.Accumulate(_x, dx);
    }
}
