using Enas.Engine.Autodiff;
using Enas.Kernels;

namespace Enas.Engine.Ops;

/// <summary>
/// y [N, K, OH, OW] = conv2d(x [N, C, H, W], w [K, C / groups, R, S]) with square stride and zero padding, no bias;
/// backward calls the backend's backward-data and backward-filter kernels for the inputs that want gradients.
/// </summary>
internal sealed class Conv2DOp : Op
{
    private readonly Tensor _x;
    private readonly Tensor _w;
    private readonly Conv2DDescriptor _descriptor;

    private Conv2DOp(Tensor x, Tensor w, Conv2DDescriptor descriptor) => (_x, _w, _descriptor) = (x, w, descriptor);

    public override string Name => "Conv2D";

    internal override (Tracing.OpDescription, Tensor[])? Describe() =>
        (new Tracing.ConvDescription(_descriptor.Stride, _descriptor.Pad, _descriptor.Groups), [_x, _w]);

    public static Tensor Apply(Tensor x, Tensor w, int stride, int padding, int groups)
    {
        var d = Describe(x, w, stride, padding, groups);
        var y = Tensor.EmptyLike(x, new Shape(d.N, d.K, d.OutH, d.OutW));
        x.Backend.Conv2DForward(d, x.Buffer, w.Buffer, y.Buffer);
        Tape.RecordIfNeeded(new Conv2DOp(x, w, d), y, x, w);
        return y;
    }

    /// <summary>Validates the operands and returns the kernel descriptor.</summary>
    internal static Conv2DDescriptor Describe(Tensor x, Tensor w, int stride, int padding, int groups)
    {
        const string op = "Conv2D";
        OpChecks.SameDeviceAndFloat(op, x, w);
        OpChecks.Rank(op, x, 4, "input");
        OpChecks.Rank(op, w, 4, "weight");
        string shapes = $"(input {x.Shape}, weight {w.Shape})";
        if (stride <= 0) throw new ArgumentOutOfRangeException(nameof(stride), $"{op}: stride must be positive, got {stride}");
        if (padding < 0)
            throw new ArgumentOutOfRangeException(nameof(padding), $"{op}: padding must be >= 0, got {padding}");
        if (groups <= 0) throw new ArgumentOutOfRangeException(nameof(groups), $"{op}: groups must be positive, got {groups}");
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int k = w.Shape[0], cg = w.Shape[1], r = w.Shape[2], s = w.Shape[3];
        if (c % groups != 0)
            throw new ShapeMismatchException(op, $"groups {groups} does not divide the {c} input channels {shapes}");
        if (k % groups != 0)
            throw new ShapeMismatchException(op, $"groups {groups} does not divide the {k} output channels {shapes}");
        if (cg * groups != c)
        {
            string expects = groups == 1 ? $"{cg}" : $"{cg * groups} ({cg} per group x {groups} groups)";
            throw new ShapeMismatchException(op, $"input has {c} channels but weight expects {expects} {shapes}");
        }
        if (h + 2 * padding < r || wd + 2 * padding < s)
            throw new ShapeMismatchException(op,
                $"kernel {r}x{s} does not fit the input {h}x{wd} with padding {padding} {shapes}");
        var d = new Conv2DDescriptor(n, c, h, wd, k, r, s, stride, padding, groups);
        d.Validate();
        return d;
    }

    public override void Backward(Tensor gradOutput, GradientSink sink)
    {
        var backend = _x.Backend;
        if (GradientSink.Wants(_x))
        {
            var dx = Tensor.EmptyLike(_x);
            backend.Conv2DBackwardData(_descriptor, gradOutput.Buffer, _w.Buffer, dx.Buffer);
            sink.Accumulate(_x, dx);
        }
        if (GradientSink.Wants(_w))
        {
            var dw = Tensor.EmptyLike(_w);
            backend.Conv2DBackwardFilter(_descriptor, _x.Buffer, gradOutput.Buffer, dw.Buffer);
            sink.Accumulate(_w, dw);
        }
    }
}
