namespace Enas.Engine.Nn;

/// <summary>
/// Batch normalisation over [N, C, H, W] (or [N, C]). In training mode it normalises with batch statistics and
/// updates the running ones (running = (1 - momentum) * running + momentum * batch); in eval mode it uses the running
/// statistics. Parameters "weight" (gamma, ones) and "bias" (beta, zeros) exist when affine; buffers "running_mean"
/// (zeros) and "running_var" (ones) always, so checkpoints carry them.
/// </summary>
public sealed class BatchNorm2D : Module, IForward
{
    /// <summary>Creates the layer (float32, on <paramref name="device"/> or the CPU).</summary>
    public BatchNorm2D(string name, int channels, bool affine, Device? device = null, double momentum = 0.1,
        double epsilon = 1e-5)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        if (momentum is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "needs [0, 1]");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        Name = name;
        Channels = channels;
        Momentum = momentum;
        Epsilon = epsilon;
        var shape = new Shape(channels);
        if (affine)
        {
            Gamma = RegisterParameter("weight", Parameter.Full(name + ".weight", shape, 1, device: device));
            Beta = RegisterParameter("bias", Parameter.Full(name + ".bias", shape, 0, device: device));
        }
        RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(shape, device: device, persistent: true));
        RunningVar = RegisterBuffer("running_var", Tensor.Full(shape, 1, device: device, persistent: true));
    }

    /// <summary>Name given at construction.</summary>
    public string Name { get; }

    /// <summary>Channels C.</summary>
    public int Channels { get; }

    /// <summary>Weight of the current batch in the running statistics.</summary>
    public double Momentum { get; }

    /// <summary>Added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>Scale [C], or null without affine.</summary>
    public Parameter? Gamma { get; }

    /// <summary>Shift [C], or null without affine.</summary>
    public Parameter? Beta { get; }

    /// <summary>Running mean [C].</summary>
    public Tensor RunningMean { get; }

    /// <summary>Running (unbiased) variance [C].</summary>
    public Tensor RunningVar { get; }

    /// <summary>x [N, C, H, W] or [N, C] to the same shape.</summary>
    public Tensor Forward(Tensor x) =>
        x.BatchNorm2D(Gamma, Beta, RunningMean, RunningVar, IsTraining, Momentum, Epsilon);
}
