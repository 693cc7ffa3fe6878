namespace Enas.Engine.Optim;

/// <summary>
/// Base of the optimisers. Holds the parameter list and per-parameter state; <see cref="Step"/> updates every
/// parameter that received a gradient and leaves the others untouched (ENAS trains a different child each step).
/// </summary>
public abstract class Optimizer : IDisposable
{
    /// <summary>Creates an optimiser over <paramref name="parameters"/>.</summary>
    protected Optimizer(IEnumerable<Parameter> parameters, double learningRate)
    {
        Parameters = parameters.ToArray();
        LearningRate = learningRate;
    }

    /// <summary>The parameters, in a fixed order (checkpoints rely on it).</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Learning rate used by the next <see cref="Step"/> (schedules set it).</summary>
    public double LearningRate { get; set; }

    /// <summary>
    /// Number of steps taken. Settable so a checkpoint can restore it (Adam's bias correction and schedules read
    /// it); <see cref="Step"/> increments it.
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

    private long _stepCount;

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
