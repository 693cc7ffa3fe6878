using Enas.Kernels;

namespace Enas.Engine.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay (PyTorch semantics, see
/// <see cref="SgdSettings"/>). The velocity of a parameter is created (zeros, same shape, device and dtype) the
/// first time that parameter receives a gradient, so parameters that never train cost no state. Parameters whose
/// <see cref="Tensor.Grad"/> is null are skipped and their velocity is left as it is.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly Tensor?[] _velocity;
    private bool _disposed;

    /// <summary>Creates the optimiser; <paramref name="momentum"/> 0 means plain SGD (no velocity).</summary>
    public Sgd(IEnumerable<Parameter> parameters, double learningRate, double momentum = 0.9, double weightDecay = 0,
        bool nesterov = false) : base(parameters, learningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(momentum);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        if (nesterov && momentum == 0)
            throw new ArgumentException("Sgd: Nesterov momentum needs momentum > 0", nameof(nesterov));
        Momentum = momentum;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        _velocity = new Tensor?[Parameters.Count];
    }

    /// <summary>Momentum coefficient.</summary>
    public double Momentum { get; }

    /// <summary>L2 penalty added to the gradient (g + WeightDecay * p).</summary>
    public double WeightDecay { get; }

    /// <summary>Whether the step uses Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    public override void Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var settings = new SgdSettings((float)LearningRate, (float)Momentum, (float)WeightDecay, Nesterov);
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            if (p.Grad is not { } g) continue;
            Tensor? v = null;
            if (Momentum != 0) v = _velocity[i] ??= Tensor.ZerosLike(p, persistent: true);
            p.Backend.SgdUpdate(settings, p.Buffer, g.Buffer, v?.Buffer, p.ElementCount);
        }
        StepCount++;
    }

    /// <summary>Velocity tensors that exist, named "velocity/&lt;parameter index&gt;".</summary>
    public override IEnumerable<(string Name, Tensor Tensor)> StateTensors()
    {
        for (int i = 0; i < _velocity.Length; i++)
            if (_velocity[i] is { } v) yield return ($"velocity/{i}", v);
    }

    /// <inheritdoc />
    public override void LoadState(string name, ReadOnlySpan<float> values)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int i = OptimizerStateNames.ParseIndex(name, "velocity/", Parameters.Count, nameof(Sgd));
        var v = _velocity[i] ??= Tensor.ZerosLike(Parameters[i], persistent: true);
        OptimizerStateNames.Upload(v, values, name, Parameters[i]);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        for (int i = 0; i < _velocity.Length; i++)
        {
            _velocity[i]?.Dispose();
            _velocity[i] = null;
        }
    }
}
