using Enas.Engine;
using Enas.Engine.Optim;
using Enas.Engine.Serialization;

namespace Enas.Search.Training;

/// <summary>
/// Child-weight optimiser: the engine's SGD with Nesterov momentum and L2 weight decay (g + 2λw, i.e. the loss term
/// λ·Σw² of the reference), preceded by global-norm gradient clipping that is really applied (the official TF code
/// computed and discarded it). Only parameters with a gradient (the sampled child's) are updated; updates run on
/// the parameters' device. State is exportable for checkpoints.
/// </summary>
public sealed class ChildSgd : IDisposable
{
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly Sgd _sgd;

    /// <summary>Creates the optimiser.</summary>
    public ChildSgd(IReadOnlyList<Parameter> parameters, double momentum = 0.9, double l2 = 1e-4, double clipNorm = 5.0)
    {
        _parameters = parameters;
        _sgd = new Sgd(parameters, 0.05, momentum, 2 * l2, nesterov: true);
        ClipNorm = clipNorm;
    }

    /// <summary>Global gradient-norm bound (≤ 0: off).</summary>
    public double ClipNorm { get; }

    /// <summary>Learning rate of the next step.</summary>
    public double LearningRate { get => _sgd.LearningRate; set => _sgd.LearningRate = value; }

    /// <summary>Steps taken.</summary>
    public long StepCount { get; set; }

    /// <summary>Clips, applies one step, drops the gradients; returns the gradient norm before clipping.</summary>
    public double Step()
    {
        var withGrad = _parameters.Where(p => p.Grad is not null).ToList();
        double norm = ClipNorm > 0 ? GradClip.ClipGlobalNorm(withGrad, ClipNorm) : double.NaN;
        _sgd.Step();
        foreach (var p in withGrad) p.ZeroGrad();
        StepCount++;
        return norm;
    }

    /// <summary>Velocity buffers that exist.</summary>
    public IEnumerable<(string Name, float[] Data)> State() =>
        _sgd.StateTensors().Select(s => (s.Name, s.Tensor.ToFloatArray()));

    /// <summary>The velocity buffers as checkpoint entries named <paramref name="prefix"/> + buffer name.</summary>
    public IEnumerable<CheckpointEntry> StateEntries(string prefix = "sgd.") =>
        State().Select(s => new CheckpointEntry(prefix + s.Name, [s.Data.Length], s.Data));

    /// <summary>Restores every buffer of <paramref name="entries"/> whose name starts with <paramref name="prefix"/>.</summary>
    public void LoadStateEntries(IReadOnlyDictionary<string, CheckpointEntry> entries, string prefix = "sgd.")
    {
        foreach (var (name, e) in entries)
            if (name.StartsWith(prefix, StringComparison.Ordinal)) LoadState(name[prefix.Length..], e.Data);
    }

    /// <summary>Restores one buffer.</summary>
    public void LoadState(string name, float[] data)
    {
        try { _sgd.LoadState(name, data); }
        catch (Exception e) when (e is ArgumentException or ShapeMismatchException)
        {
            throw new InvalidDataException($"checkpoint optimiser state '{name}' does not match the network: {e.Message}");
        }
    }

    /// <summary>Frees the velocity buffers.</summary>
    public void Dispose() => _sgd.Dispose();
}
