using Enas.Kernels;

namespace Enas.Engine.Autodiff;

/// <summary>Outcome of a finite-difference gradient check.</summary>
/// <param name="Passed">True when every element is within tolerance.</param>
/// <param name="MaxAbsError">Largest |analytic - numeric|.</param>
/// <param name="Report">Worst element (input, index, both values), for failure messages.</param>
public sealed record GradCheckResult(bool Passed, double MaxAbsError, string Report);

/// <summary>
/// Float64 central-difference gradient check. The scalar checked is sum(f(inputs) * R) with a fixed random R, so a
/// non-uniform upstream gradient catches transposition and indexing bugs that an all-ones gradient hides.
/// </summary>
public static class GradCheck
{
    /// <summary>
    /// Compares the tape's gradients of <paramref name="inputs"/> (float64 parameters on the CPU) with central
    /// differences. An element passes when |a - n| &lt;= atol + rtol * |n|.
    /// </summary>
    public static GradCheckResult Run(Func<IReadOnlyList<Parameter>, Tensor> f, IReadOnlyList<Parameter> inputs,
        int seed = 1234, double eps = 1e-6, double atol = 1e-6, double rtol = 1e-5)
    {
        foreach (var p in inputs)
        {
            if (p.DType != DType.Float64)
                throw new ArgumentException($"GradCheck: input '{p.Name}' must be float64, got {p.DType.ShortName()}");
            p.ZeroGrad();
        }

        double[] upstream;
        using (var tape = Tape.Record())
        {
            var output = f(inputs);
            var rng = new Random(seed);
            upstream = new double[output.ElementCount];
            for (int i = 0; i < upstream.Length; i++) upstream[i] = rng.NextDouble() * 2 - 1;
            tape.Backward(output, Tensor.FromArray(upstream, output.Shape, output.Device));
        }

        double worst = 0;
        string report = "all elements within tolerance";
        bool passed = true;
        foreach (var p in inputs)
        {
            var analytic = p.Grad?.ToArray<double>() ?? new double[p.ElementCount];
            var values = p.ToArray<double>();
            for (int i = 0; i < values.Length; i++)
            {
                double saved = values[i];
                values[i] = saved + eps;
                p.Load<double>(values);
                double plus = Objective(f, inputs, upstream);
                values[i] = saved - eps;
                p.Load<double>(values);
                double minus = Objective(f, inputs, upstream);
                values[i] = saved;
                p.Load<double>(values);
                double numeric = (plus - minus) / (2 * eps);
                double err = Math.Abs(analytic[i] - numeric);
                bool ok = err <= atol + rtol * Math.Abs(numeric);
                if (!ok) passed = false;
                if (err > worst || (!ok && passed))
                {
                    worst = Math.Max(worst, err);
                    report = $"worst: '{p.Name}' {p.Shape} element {i}: analytic {analytic[i]:G10}, " +
                             $"numeric {numeric:G10}, |diff| {err:G3}";
                }
            }
            p.ZeroGrad();
        }
        return new GradCheckResult(passed, worst, report);
    }

    private static double Objective(Func<IReadOnlyList<Parameter>, Tensor> f, IReadOnlyList<Parameter> inputs,
        double[] upstream)
    {
        using var scope = TensorScope.Begin();
        using var noGrad = Tape.NoGrad();
        var output = f(inputs).ToArray<double>();
        double sum = 0;
        for (int i = 0; i < output.Length; i++) sum += output[i] * upstream[i];
        return sum;
    }
}
