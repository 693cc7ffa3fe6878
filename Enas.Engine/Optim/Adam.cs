using Enas.Kernels;

namespace Enas.Engine.Optim;

/// <summary>
/// Adam with L2 weight decay added to the gradient (not AdamW), see <see cref="AdamSettings"/>. Bias corrections
/// 1 - beta^t are computed on the host from a per-parameter step count t (PyTorch semantics): a parameter that first
/// receives a gradient late starts its own count at 1. Parameters whose <see cref="Tensor.Grad"/> is null are
/// skipped: neither their values, moments nor step count change. beta1 = 0 (ENAS's controller) is supported.
/// </summary>
public sealed class Adam : Optimizer
{
    private readonly Tensor?[] _m;
    private readonly Tensor?[] _v;
    private readonly long[] _steps;
    private Tensor? _stepTensor;
    private bool _disposed;

    /// <summary>Creates the optimiser.</summary>
    public Adam(IEnumerable<Parameter> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0) : base(parameters, learningRate)
    {
        if (beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "needs 0 <= beta1 < 1");
        if (beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "needs 0 <= beta2 < 1");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        _m = new Tensor?[Parameters.Count];
        _v = new Tensor?[Parameters.Count];
        _steps = new long[Parameters.Count];
    }

    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>Added to the denominator.</summary>
    public double Epsilon { get; }

    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <summary>Number of updates parameter <paramref name="index"/> has received.</summary>
    public long ParameterStepCount(int index) => _steps[index];

    /// <inheritdoc />
    public override void Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            if (p.Grad is not { } g) continue;
            var m = _m[i] ??= Tensor.ZerosLike(p, persistent: true);
            var v = _v[i] ??= Tensor.ZerosLike(p, persistent: true);
            long t = ++_steps[i];
            var settings = new AdamSettings((float)LearningRate, (float)Beta1, (float)Beta2, (float)Epsilon,
                (float)WeightDecay, (float)(1 - Math.Pow(Beta1, t)), (float)(1 - Math.Pow(Beta2, t)));
            p.Backend.AdamUpdate(settings, p.Buffer, g.Buffer, m.Buffer, v.Buffer, p.ElementCount);
        }
        StepCount++;
    }

    /// <summary>
    /// "adam.m/&lt;i&gt;" and "adam.v/&lt;i&gt;" for every parameter that has moments, and "adam.step" (float32 [P] on
    /// the CPU, the per-parameter step counts, exact below 2^24).
    /// </summary>
    public override IEnumerable<(string Name, Tensor Tensor)> StateTensors()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (int i = 0; i < _m.Length; i++)
        {
            if (_m[i] is { } m) yield return ($"adam.m/{i}", m);
            if (_v[i] is { } v) yield return ($"adam.v/{i}", v);
        }
        _stepTensor ??= Tensor.Zeros(new Shape(_steps.Length), persistent: true);
        var counts = new float[_steps.Length];
        for (int i = 0; i < counts.Length; i++) counts[i] = _steps[i];
        _stepTensor.Backend.Upload<float>(counts, _stepTensor.Buffer);
        yield return ("adam.step", _stepTensor);
    }

    /// <inheritdoc />
    public override void LoadState(string name, ReadOnlySpan<float> values)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (name == "adam.step")
        {
            if (values.Length != _steps.Length)
                throw new ShapeMismatchException("LoadState",
                    $"'adam.step' has {values.Length} counts but the optimiser has {_steps.Length} parameters");
            for (int k = 0; k < values.Length; k++)
            {
                if (values[k] < 0 || values[k] != MathF.Floor(values[k]))
                    throw new ArgumentException($"Adam: 'adam.step' entry {k} is {values[k]}, not a step count");
                _steps[k] = (long)values[k];
            }
            return;
        }
        bool first = name.StartsWith("adam.m/", StringComparison.Ordinal);
        int i = OptimizerStateNames.ParseIndex(name, first ? "adam.m/" : "adam.v/", Parameters.Count, nameof(Adam));
        var slot = first ? _m : _v;
        var state = slot[i] ??= Tensor.ZerosLike(Parameters[i], persistent: true);
        OptimizerStateNames.Upload(state, values, name, Parameters[i]);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        for (int i = 0; i < _m.Length; i++)
        {
            _m[i]?.Dispose();
            _v[i]?.Dispose();
            _m[i] = _v[i] = null;
        }
        _stepTensor?.Dispose();
        _stepTensor = null;
    }
}
