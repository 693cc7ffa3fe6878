using Enas.Engine.Autodiff;
using Enas.Kernels;

namespace Enas.Engine.Ops;

/// <summary>
/// Batch norm over x [N, C, H, W] or [N, C] with optional affine gamma/beta [C]. Training normalises with the batch
/// statistics (saving mean and 1/std for the backward) and updates the running statistics in place when given;
/// inference uses the running statistics (its backward is built from the same kernels, see
/// <see cref="InferenceBackward"/>).
/// </summary>
internal sealed class BatchNorm2DOp : Op
{
    private const string OpName = "BatchNorm2D";
    private readonly Tensor _x;
    private readonly Tensor? _gamma;
    private readonly Tensor? _beta;
    private readonly Tensor _mean;
    private readonly Tensor _var; // training: 1/std; inference: the running variance (snapshot)
    private readonly BatchNormDescriptor _desc;
    private readonly bool _training;

    private BatchNorm2DOp(Tensor x, Tensor? gamma, Tensor? beta, Tensor mean, Tensor var, BatchNormDescriptor desc,
        bool training) =>
        (_x, _gamma, _beta, _mean, _var, _desc, _training) = (x, gamma, beta, mean, var, desc, training);

    public override string Name => OpName;

    /// <summary>Inference: [x, gamma, beta, mean, variance] (absent affine terms as constant ones and zeros);
    /// training: [x].</summary>
    internal override (Tracing.OpDescription, Tensor[])? Describe()
    {
        var description = new Tracing.BatchNormDescription(_training, _desc.Epsilon);
        if (_training) return (description, [_x]);
        var gamma = _gamma ?? Tensor.Full(_mean.Shape, 1.0, _x.DType, _x.Device);
        var beta = _beta ?? Tensor.Full(_mean.Shape, 0.0, _x.DType, _x.Device);
        return (description, [_x, gamma, beta, _mean, _var]);
    }

    public static Tensor Apply(Tensor x, Tensor? gamma, Tensor? beta, Tensor? runningMean, Tensor? runningVar,
        bool training, double momentum, double epsilon)
    {
        OpChecks.SameDeviceAndFloat(OpName, x);
        if (x.Shape.Rank != 2 && x.Shape.Rank != 4)
            throw new ShapeMismatchException(OpName, $"input must be [N, C, H, W] or [N, C], got {x.Shape}");
        int n = x.Shape[0], c = x.Shape[1];
        int spatial = x.Shape.Rank == 4 ? x.Shape[2] * x.Shape[3] : 1;
        CheckChannelTensor(x, gamma, "gamma", c);
        CheckChannelTensor(x, beta, "beta", c);
        CheckChannelTensor(x, runningMean, "running mean", c);
        CheckChannelTensor(x, runningVar, "running variance", c);
        if (!(momentum >= 0 && momentum <= 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), $"{OpName}: momentum {momentum} must be in [0, 1]");
        if (!(epsilon > 0))
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"{OpName}: epsilon {epsilon} must be positive");
        var desc = new BatchNormDescriptor(n, c, spatial, epsilon, momentum);
        var inputs = Inputs(x, gamma, beta);
        var y = Tensor.EmptyLike(x);
        var backend = x.Backend;
        if (training)
        {
            if (desc.CountPerChannel < 2)
                throw new ShapeMismatchException(OpName,
                    $"training needs more than one value per channel, got input {x.Shape}");
            var mean = Tensor.EmptyLike(x, new Shape(c));
            var invStd = Tensor.EmptyLike(x, new Shape(c));
            backend.BatchNormForwardTraining(desc, x.Buffer, gamma?.Buffer, beta?.Buffer, y.Buffer, mean.Buffer,
                invStd.Buffer, runningMean?.Buffer, runningVar?.Buffer);
            if (Tape.WillRecord(inputs))
                Tape.RecordIfNeeded(new BatchNorm2DOp(x, gamma, beta, mean, invStd, desc, true), y, inputs);
            else
            {
                mean.Dispose();
                invStd.Dispose();
            }
            return y;
        }
        if (runningMean is null || runningVar is null)
            throw new ArgumentException($"{OpName}: inference mode needs the running mean and variance");
        backend.BatchNormForwardInference(desc, x.Buffer, gamma?.Buffer, beta?.Buffer, runningMean.Buffer,
            runningVar.Buffer, y.Buffer);
        if (Tape.WillRecord(inputs))
        {
            // Snapshot the statistics: a later training step may update them in place before this backward runs.
            Tape.RecordIfNeeded(new BatchNorm2DOp(x, gamma, beta, Copy(runningMean), Copy(runningVar), desc, false),
                y, inputs);
        }
        return y;
    }

    private static Tensor[] Inputs(Tensor x, Tensor? gamma, Tensor? beta) =>
        (gamma, beta) switch
        {
            (null, null) => [x],
            (not null, null) => [x, gamma],
            (null, not null) => [x, beta],
            _ => [x, gamma, beta],
        };

    private static void CheckChannelTensor(Tensor x, Tensor? t, string what, int channels)
    {
        if (t is null) return;
        OpChecks.SameDeviceAndFloat(OpName, x, t);
        if (t.Shape.Rank != 1 || t.Shape[0] != channels)
            throw new ShapeMismatchException(OpName, $"{what} must be [{channels}] for input {x.Shape}, got {t.Shape}");
    }

    private static Tensor Copy(Tensor t)
    {
        var copy = Tensor.EmptyLike(t);
        t.Backend.CopyStrided(StridedCopyDescriptor.Contiguous(t.ElementCount), t.Buffer, copy.Buffer);
        return copy;
    }

    public override void Backward(Tensor gradOutput, GradientSink sink)
    {
        if (!_training)
        {
            InferenceBackward(gradOutput, sink);
            return;
        }
        var backend = _x.Backend;
        var dx = Tensor.EmptyLike(_x);
        var dgamma = _gamma is not null && GradientSink.Wants(_gamma) ? Tensor.EmptyLike(_gamma) : null;
        var dbeta = _beta is not null && GradientSink.Wants(_beta) ? Tensor.EmptyLike(_beta) : null;
        backend.BatchNormBackward(_desc, _x.Buffer, gradOutput.Buffer, _gamma?.Buffer, _mean.Buffer, _var.Buffer,
            dx.Buffer, dgamma?.Buffer, dbeta?.Buffer);
        sink.Accumulate(_x, dx);
        if (dgamma is not null) sink.Accumulate(_gamma!, dgamma);
        if (dbeta is not null) sink.Accumulate(_beta!, dbeta);
    }

    /// <summary>
    /// y = gamma * (x - mean) / sqrt(var + eps) + beta with constant statistics: dx = dy * gamma / sqrt(var + eps)
    /// (the inference kernel applied to dy with a zero mean), dgamma = sum(dy * xhat), dbeta = sum(dy).
    /// </summary>
    private void InferenceBackward(Tensor gradOutput, GradientSink sink)
    {
        var backend = _x.Backend;
        if (GradientSink.Wants(_x))
        {
            var zeros = Tensor.ZerosLike(_mean);
            var dx = Tensor.EmptyLike(_x);
            backend.BatchNormForwardInference(_desc, gradOutput.Buffer, _gamma?.Buffer, null, zeros.Buffer, _var.Buffer,
                dx.Buffer);
            sink.Accumulate(_x, dx);
        }
        if (_gamma is not null && GradientSink.Wants(_gamma))
        {
            var xhat = Tensor.EmptyLike(_x);
            backend.BatchNormForwardInference(_desc, _x.Buffer, null, null, _mean.Buffer, _var.Buffer, xhat.Buffer);
            var product = Tensor.EmptyLike(_x);
            var same = BroadcastDescriptor.Create([(int)_desc.Length], [(int)_desc.Length], stackalloc int[4])!.Value;
            backend.Binary<Multiply>(same, gradOutput.Buffer, xhat.Buffer, product.Buffer);
            sink.Accumulate(_gamma, SumPerChannel(product));
        }
        if (_beta is not null && GradientSink.Wants(_beta)) sink.Accumulate(_beta, SumPerChannel(gradOutput));
    }

    /// <summary>[N, C, S] summed to [C] with two reductions (over N, then over S).</summary>
    private Tensor SumPerChannel(Tensor t)
    {
        var backend = t.Backend;
        long perSample = (long)_desc.C * _desc.Spatial;
        var overN = Tensor.EmptyLike(t, new Shape((int)perSample));
        backend.Reduce(new ReduceDescriptor(ReduceKind.Sum, 1, _desc.N, perSample), t.Buffer, overN.Buffer);
        var result = Tensor.EmptyLike(t, new Shape(_desc.C));
        backend.Reduce(new ReduceDescriptor(ReduceKind.Sum, _desc.C, _desc.Spatial, 1), overN.Buffer, result.Buffer);
        return result;
    }
}
