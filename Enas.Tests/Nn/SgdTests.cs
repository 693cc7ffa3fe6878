using Enas.Engine;
using Enas.Engine.Optim;
using Enas.Kernels;
using Enas.Tests.Infrastructure;
using static Enas.Tests.Nn.OptimizerTestHelpers;

namespace Enas.Tests.Nn;

public class SgdTests
{
    // p0 = [1, 2, -3], g = [0.5, -1, 2] on every step, lr = 0.1 throughout.
    private static readonly double[] P0 = [1, 2, -3];
    private static readonly double[] G = [0.5, -1, 2];

    private static double[] Run(DType dtype, int steps, double momentum, double weightDecay, bool nesterov)
    {
        using var p = Param("p", dtype, P0);
        using var opt = new Sgd([p], 0.1, momentum, weightDecay, nesterov);
        for (int s = 0; s < steps; s++)
        {
            SetGrad(p, G);
            opt.Step();
        }
        Assert.Equal(steps, opt.StepCount);
        p.ZeroGrad();
        return p.ToDoubleArray();
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void PlainStepSubtractsLearningRateTimesGradient(DType dtype)
    {
        // p - 0.1 g = [1 - 0.05, 2 + 0.1, -3 - 0.2]
        TensorAssert.Close([0.95, 2.1, -3.2], Run(dtype, 1, 0, 0, false), 1e-6, 1e-6, "sgd plain");
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void MomentumAccumulatesVelocity(DType dtype)
    {
        // step 1: v = g, p = [0.95, 2.1, -3.2]; step 2: v = 0.9 g + g = [0.95, -1.9, 3.8], p -= 0.1 v
        TensorAssert.Close([0.855, 2.29, -3.58], Run(dtype, 2, 0.9, 0, false), 1e-6, 1e-6, "sgd momentum");
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void NesterovLooksAhead(DType dtype)
    {
        // step 1: v = g, step = g + 0.9 v = 1.9 g, p = [0.905, 2.19, -3.38]
        // step 2: v = [0.95, -1.9, 3.8], step = g + 0.9 v = [1.355, -2.71, 5.42], p = [0.7695, 2.461, -3.922]
        TensorAssert.Close([0.905, 2.19, -3.38], Run(dtype, 1, 0.9, 0, true), 1e-6, 1e-6, "nesterov 1");
        TensorAssert.Close([0.7695, 2.461, -3.922], Run(dtype, 2, 0.9, 0, true), 1e-6, 1e-6, "nesterov 2");
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void WeightDecayAddsL2Gradient(DType dtype)
    {
        // g' = g + 0.1 p = [0.6, -0.8, 1.7]; p = [0.94, 2.08, -3.17]
        TensorAssert.Close([0.94, 2.08, -3.17], Run(dtype, 1, 0, 0.1, false), 1e-6, 1e-6, "sgd wd");
        // with momentum, step 2: g' = g + 0.1 [0.94, 2.08, -3.17] = [0.594, -0.792, 1.683];
        // v = 0.9 [0.6, -0.8, 1.7] + g' = [1.134, -1.512, 3.213]; p = [0.8266, 2.2312, -3.4913]
        TensorAssert.Close([0.8266, 2.2312, -3.4913], Run(dtype, 2, 0.9, 0.1, false), 1e-6, 1e-6, "sgd wd mom");
    }

    [Fact]
    public void ParametersWithoutGradientKeepValuesAndState()
    {
        using var a = Param("a", DType.Float32, 1, 2);
        using var b = Param("b", DType.Float32, 3, 4);
        using var opt = new Sgd([a, b], 0.1, momentum: 0.9);
        SetGrad(a, 1, 1);
        opt.Step();
        Assert.Equal(new[] { 3f, 4f }, b.ToArray<float>());
        Assert.Equal(["velocity/0"], opt.StateTensors().Select(s => s.Name));

        SetGrad(b, 1, -1);
        opt.Step(); // both have gradients now
        var aValues = a.ToArray<float>();
        var aVelocity = opt.StateTensors().Single(s => s.Name == "velocity/0").Tensor.ToArray<float>();
        a.ZeroGrad();
        opt.Step(); // only b
        Assert.Equal(aValues, a.ToArray<float>());
        Assert.Equal(aVelocity, opt.StateTensors().Single(s => s.Name == "velocity/0").Tensor.ToArray<float>());
        Assert.NotEqual(new[] { 3f, 4f }, b.ToArray<float>());
        b.ZeroGrad();
    }

    [Fact]
    public void LoadStateRestoresVelocityAndRejectsBadNames()
    {
        using var p = Param("p", DType.Float32, P0);
        using var opt = new Sgd([p], 0.1, momentum: 0.9);
        opt.LoadState("velocity/0", [1f, 1f, 1f]);
        SetGrad(p, 0, 0, 0);
        opt.Step(); // v = 0.9 * 1, p -= 0.09
        TensorAssert.Close([0.91, 1.91, -3.09], p.ToArray<float>(), 1e-6, 1e-6, "restored velocity");
        Assert.Throws<ArgumentException>(() => opt.LoadState("velocity/7", [0f, 0f, 0f]));
        Assert.Throws<ArgumentException>(() => opt.LoadState("momentum.0", [0f, 0f, 0f]));
        Assert.Throws<ShapeMismatchException>(() => opt.LoadState("velocity/0", [0f]));
        p.ZeroGrad();
    }

    [Fact]
    public void RejectsDuplicateParametersAndBadSettings()
    {
        using var p = Param("p", DType.Float32, 1);
        Assert.Throws<ArgumentException>(() => new Sgd([p, p], 0.1));
        Assert.Throws<ArgumentException>(() => new Sgd([p], 0.1, momentum: 0, nesterov: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], 0.1, beta1: 1));
    }
}
