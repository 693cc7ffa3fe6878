using Enas.Engine.Autodiff;
using Enas.Kernels;

namespace Enas.Engine.Ops;

/// <summary>
/// y [N, C, OH, OW] = depthwise conv2d(relu(x [N, C, H, W]), w [C, 1, R, S]) in one fused kernel per pass where the
/// backend has one (<see cref="IFusedKernels"/>); otherwise, and while a graph is being traced, it records the unfused
/// ReLU and Conv2D ops. Fused, relu(x) is never stored: backward-data masks its result by x &gt; 0 and
/// backward-filter re-applies the ReLU on the fly. Values and gradients equal the unfused pair bit for bit.
/// </summary>
internal sealed class ReluConv2DOp : Op
{
    private readonly Tensor _x;
    private readonly Tensor _w;
    private readonly Conv2DDescriptor _descriptor;
    private readonly IFusedKernels _fused;

    private ReluConv2DOp(Tensor x, Tensor w, Conv2DDescriptor descriptor, IFusedKernels fused) =>
        (_x, _w, _descriptor, _fused) = (x, w, descriptor, fused);

    public override string Name => "ReluConv2D";

    public static Tensor Apply(Tensor x, Tensor w, int stride, int padding, int groups)
    {
        var d = Conv2DOp.Describe(x, w, stride, padding, groups);
        if (Tracing.GraphTrace.IsRecording || x.Backend is not IFusedKernels fused ||
            !fused.SupportsReluDepthwise(d, x.DType))
            return x.Relu().Conv2D(w, stride, padding, groups);
        var y = Tensor.EmptyLike(x, new Shape(d.N, d.K, d.OutH, d.OutW));
        fused.ReluDepthwiseForward(d, x.Buffer, w.Buffer, y.Buffer);
        Tape.RecordIfNeeded(new ReluConv2DOp(x, w, d, fused), y, x, w);
        return y;
    }

    public override void Backward(Tensor gradOutput, GradientSink sink)
    {
        // The unfused pair runs its two backwards back to back at this point of the tape, so every gradient reaches
        // its target in the same order as here (x and w are different targets; their order does not matter).
        if (GradientSink.Wants(_x))
        {
            var dx = Tensor.EmptyLike(_x);
            _fused.ReluDepthwiseBackwardData(_descriptor, _x.Buffer, gradOutput.Buffer, _w.Buffer, dx.Buffer);
            sink.Accumulate(_x, dx);
        }
        if (GradientSink.Wants(_w))
        {
            var dw = Tensor.EmptyLike(_w);
            _fused.ReluDepthwiseBackwardFilter(_descriptor, _x.Buffer, gradOutput.Buffer, dw.Buffer);
            sink.Accumulate(_w, dw);
        }
    }
}
