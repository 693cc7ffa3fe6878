using Enas.Engine;
using Enas.Engine.Optim;
using Enas.Kernels;
using Enas.Tests.Infrastructure;
using Enas.Tests.Reference;

namespace Enas.Tests.Nn;

/// <summary>
/// The fused CPU kernels (through Sgd / Adam) against the naive float64 reference on awkward lengths: 1, 7, 33 (vector
/// tails) and 70001 (split across threads at boundaries that are not multiples of the vector width).
/// </summary>
public class OptimizerKernelTests
{
    public static TheoryData<int, DType, bool> Cases()
    {
        var data = new TheoryData<int, DType, bool>();
        foreach (int n in new[] { 1, 7, 33, 70001 })
            foreach (var dtype in new[] { DType.Float32, DType.Float64 })
                foreach (bool flag in new[] { false, true })
                    data.Add(n, dtype, flag);
        return data;
    }

    private static Parameter Make(double[] values, DType dtype) => dtype == DType.Float64
        ? Parameter.Create<double>("p", new Shape(values.Length), values)
        : Parameter.Create<float>("p", new Shape(values.Length), Seeds.ToFloat(values));

    // Hyper-parameters exactly representable in float32, so float64 runs can be held to a tight tolerance.
    [Theory]
    [MemberData(nameof(Cases))]
    public void SgdMatchesReference(int n, DType dtype, bool nesterov)
    {
        var p0 = Seeds.Uniform(n, 1);
        if (dtype == DType.Float32) p0 = Array.ConvertAll(Seeds.ToFloat(p0), v => (double)v);
        var expected = (double[])p0.Clone();
        var velocity = new double[n];
        using var p = Make(p0, dtype);
        using var opt = new Sgd([p], 0.125, 0.75, 0.0625, nesterov);
        for (int step = 0; step < 3; step++)
        {
            var g = Seeds.Uniform(n, 10 + step);
            if (dtype == DType.Float32) g = Array.ConvertAll(Seeds.ToFloat(g), v => (double)v);
            OptimizerTestHelpers.SetGrad(p, g);
            opt.Step();
            OptimizerReference.Sgd(0.125, 0.75, 0.0625, nesterov, expected, g, velocity);
        }
        double tol = dtype == DType.Float64 ? 1e-12 : 1e-5;
        TensorAssert.Close(expected, p.ToDoubleArray(), tol, tol, $"sgd n={n} {dtype} nesterov={nesterov}");
        p.ZeroGrad();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AdamMatchesReference(int n, DType dtype, bool weightDecay)
    {
        var p0 = Seeds.Uniform(n, 2);
        if (dtype == DType.Float32) p0 = Array.ConvertAll(Seeds.ToFloat(p0), v => (double)v);
        var expected = (double[])p0.Clone();
        var m = new double[n];
        var v = new double[n];
        double wd = weightDecay ? 0.25 : 0;
        using var p = Make(p0, dtype);
        using var opt = new Adam([p], 0.125, 0.5, 0.75, 0.0078125, wd);
        for (int step = 1; step <= 3; step++)
        {
            var g = Seeds.Uniform(n, 20 + step);
            if (dtype == DType.Float32) g = Array.ConvertAll(Seeds.ToFloat(g), x => (double)x);
            OptimizerTestHelpers.SetGrad(p, g);
            opt.Step();
            OptimizerReference.Adam(0.125, 0.5, 0.75, 0.0078125, wd, step, expected, g, m, v);
        }
        double tol = dtype == DType.Float64 ? 1e-12 : 1e-5;
        TensorAssert.Close(expected, p.ToDoubleArray(), tol, tol, $"adam n={n} {dtype} wd={wd}");
        p.ZeroGrad();
    }
}
