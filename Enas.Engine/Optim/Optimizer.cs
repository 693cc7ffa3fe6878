namespace Enas.Engine.Optim;

/// <summary>
/// Base of the optimisers. Holds the parameter list and per-parameter state; <see cref="Step"/> updates every
/// parameter that received a gradient and leaves the others untouched (ENAS trains a different child each step).
/// </summary>
public abstract class Optimizer : IDisposable
{
    private long _stepCount;

    /// <summary>Creates an optimiser over <paramref name="parameters"/>.</summary>
    protected Optimizer(IEnumerable<Parameter> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToArray();
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var p in Parameters)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(parameters));
            if (!seen.Add(p))
                throw new ArgumentException($"parameter '{p.Name}' is listed twice (it would be updated twice per step)",
                    nameof(parameters));
        }
        LearningRate = learningRate;
    }

    /// <summary>The parameters, in a fixed order (checkpoints rely on it).</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Learning rate used by the next <see cref="Step"/> (schedules set it).</summary>
    public double LearningRate { get; set; }

    /// <summary>
    /// Number of <see cref="Step"/> calls. Settable so a checkpoint can restore it (Adam keeps its bias-correction
    /// counts per parameter, in its state tensors).
    /// </summary>
    public long StepCount
    {
        get => _stepCount;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _stepCount = value;
        }
    }


    /// <summary>Drops all gradients.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.ZeroGrad();
    }

    /// <summary>Updates every parameter whose gradient is not null.</summary>
    public abstract void Step();

    /// <summary>
    /// Named state tensors for checkpoints (e.g. "velocity/3"); restoring copies values back into them, creating
    /// state that does not exist yet.
    /// </summary>
    public abstract IEnumerable<(string Name, Tensor Tensor)> StateTensors();

    /// <summary>Restores a state tensor by the name <see cref="StateTensors"/> gave it.</summary>
    public abstract void LoadState(string name, ReadOnlySpan<float> values);

    /// <summary>Frees optimiser state.</summary>
    public abstract void Dispose();
}
