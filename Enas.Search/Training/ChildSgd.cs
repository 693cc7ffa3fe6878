using Enas.Engine;

namespace Enas.Search.Training;

/// <summary>
/// SGD with Nesterov momentum for child weights, with the L2 term λ·Σw² (gradient 2λw) and global-norm clipping
/// that is really applied (the official TF code computed and discarded it). Only parameters with a gradient (the
/// sampled child's) are updated. Computed on the host; momentum state is exportable for checkpoints.
/// </summary>
public sealed class ChildSgd
{
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly float[]?[] _momentum;

    /// <summary>Creates the optimiser.</summary>
    public ChildSgd(IReadOnlyList<Parameter> parameters, double momentum = 0.9, double l2 = 1e-4, double clipNorm = 5.0)
    {
        _parameters = parameters;
        _momentum = new float[parameters.Count][];
        (Momentum, L2, ClipNorm) = (momentum, l2, clipNorm);
    }

    /// <summary>Momentum coefficient.</summary>
    public double Momentum { get; }

    /// <summary>L2 coefficient λ.</summary>
    public double L2 { get; }

    /// <summary>Global gradient-norm bound (≤ 0: off).</summary>
    public double ClipNorm { get; }

    /// <summary>Learning rate of the next step.</summary>
    public double LearningRate { get; set; } = 0.05;

    /// <summary>Steps taken.</summary>
    public long StepCount { get; set; }

    /// <summary>Applies one step; returns the gradient norm before clipping. Drops the gradients.</summary>
    public double Step()
    {
        var active = new List<(int Index, float[] W, float[] G)>();
        double sq = 0;
        for (int k = 0; k < _parameters.Count; k++)
        {
            var p = _parameters[k];
            if (p.Grad is null) continue;
            var w = p.ToFloatArray();
            var g = p.Grad.ToFloatArray();
            for (int i = 0; i < g.Length; i++)
            {
                g[i] += (float)(2 * L2 * w[i]);
                sq += (double)g[i] * g[i];
            }
            active.Add((k, w, g));
        }
        double norm = Math.Sqrt(sq);
        double scale = ClipNorm > 0 && norm > ClipNorm ? ClipNorm / norm : 1.0;
        foreach (var (k, w, g) in active)
        {
            var m = _momentum[k] ??= new float[w.Length];
            for (int i = 0; i < w.Length; i++)
            {
                float gi = (float)(g[i] * scale);
                m[i] = (float)(Momentum * m[i] + gi);
                w[i] -= (float)(LearningRate * (gi + Momentum * m[i]));
            }
            _parameters[k].Load<float>(w);
            _parameters[k].ZeroGrad();
        }
        StepCount++;
        return norm;
    }

    /// <summary>Momentum buffers that exist, by parameter index.</summary>
    public IEnumerable<(string Name, float[] Data)> State()
    {
        for (int k = 0; k < _momentum.Length; k++)
            if (_momentum[k] is { } m) yield return ($"momentum.{k}", m);
    }

    /// <summary>Restores one buffer.</summary>
    public void LoadState(string name, float[] data)
    {
        int k = int.Parse(name.AsSpan("momentum.".Length), provider: System.Globalization.CultureInfo.InvariantCulture);
        if (k < 0 || k >= _parameters.Count || data.Length != _parameters[k].ElementCount)
            throw new InvalidDataException($"checkpoint optimiser state '{name}' does not match the network");
        _momentum[k] = (float[])data.Clone();
    }
}
