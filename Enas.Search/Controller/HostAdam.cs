using Enas.Engine;

namespace Enas.Search.Controller;

/// <summary>
/// Adam for the small controller, computed on the host (the controller always lives on the CPU): β1 = 0 by
/// default as in ENAS, ε = 1e-3, TF-style bias correction. State (m, v, step) is exportable for checkpoints.
/// <para>
/// Kept beside the engine's <see cref="Enas.Engine.Optim.Adam"/> because that one cannot give the same bits: this
/// class computes m, v and the update in float64 and rounds each once to float32, with lr·√(1-β2^t)/(1-β1^t) in
/// float64 and ε added to √v; the engine's kernel works in float32 throughout (β2 = 0.999f, lr and bias corrections
/// passed as float32), adds ε to √(v/(1-β2^t)), and counts steps per parameter. Even a float32 kernel with this ε
/// placement gives other v values in every element and other weights in about a quarter of them after one step.
/// </para>
/// </summary>
public sealed class HostAdam
{
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly float[][] _m, _v;

    /// <summary>Creates the optimiser.</summary>
    public HostAdam(IReadOnlyList<Parameter> parameters, double learningRate, double beta1 = 0, double beta2 = 0.999,
        double epsilon = 1e-3)
    {
        _parameters = parameters;
        _m = parameters.Select(p => new float[p.ElementCount]).ToArray();
        _v = parameters.Select(p => new float[p.ElementCount]).ToArray();
        (LearningRate, Beta1, Beta2, Epsilon) = (learningRate, beta1, beta2, epsilon);
    }

    /// <summary>Learning rate.</summary>
    public double LearningRate { get; set; }

    /// <summary>β1, β2, ε.</summary>
    public double Beta1 { get; }

    /// <summary>β2.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Epsilon { get; }

    /// <summary>Steps taken.</summary>
    public long StepCount { get; set; }

    /// <summary>Updates every parameter with a gradient, then drops the gradients.</summary>
    public void Step()
    {
        StepCount++;
        double lrT = LearningRate * Math.Sqrt(1 - Math.Pow(Beta2, StepCount)) / (1 - Math.Pow(Beta1, StepCount));
        for (int k = 0; k < _parameters.Count; k++)
        {
            var p = _parameters[k];
            if (p.Grad is null) continue;
            var w = p.ToFloatArray();
            var g = p.Grad.ToFloatArray();
            var m = _m[k];
            var v = _v[k];
            for (int i = 0; i < w.Length; i++)
            {
                m[i] = (float)(Beta1 * m[i] + (1 - Beta1) * g[i]);
                v[i] = (float)(Beta2 * v[i] + (1 - Beta2) * g[i] * g[i]);
                w[i] -= (float)(lrT * m[i] / (Math.Sqrt(v[i]) + Epsilon));
            }
            p.Load<float>(w);
            p.ZeroGrad();
        }
    }

    /// <summary>State arrays by name ("m.k", "v.k").</summary>
    public IEnumerable<(string Name, float[] Data)> State()
    {
        for (int k = 0; k < _m.Length; k++)
        {
            yield return ($"m.{k}", _m[k]);
            yield return ($"v.{k}", _v[k]);
        }
    }

    /// <summary>Restores one state array.</summary>
    public void LoadState(string name, float[] data)
    {
        var parts = name.Split('.');
        int k = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        var target = parts[0] == "m" ? _m[k] : _v[k];
        if (data.Length != target.Length) throw new InvalidDataException($"controller Adam state '{name}' has {data.Length} values, expected {target.Length}");
        data.CopyTo(target, 0);
    }
}
