using Enas.Engine;
using Enas.Engine.Optim;
using Enas.Kernels;
using Enas.Tests.Infrastructure;
using static Enas.Tests.Nn.OptimizerTestHelpers;

namespace Enas.Tests.Nn;

public class AdamTests
{
    // p0 = [1, 2, -3], g1 = [0.5, -1, 2], g2 = [1, 1, 1], lr 0.1, beta2 0.999, eps 1e-8.
    // Step 1 (any beta1): m/bc1 = g1, v/bc2 = g1^2, so p -= 0.1 sign(g1) -> [0.9, 2.1, -3.1].
    // Step 2, beta1 0.9: m = 0.9 * 0.1 g1 + 0.1 g2 = [0.145, 0.01, 0.28], bc1 = 0.19 -> mhat = [0.76316, 0.05263, 1.47368];
    //   v = 0.999 * 0.001 g1^2 + 0.001 g2^2 = [0.00124975, 0.001999, 0.004996], bc2 = 0.001999
    //   -> sqrt(vhat) = [0.79068, 1, 1.58090]; p -= 0.1 mhat / sqrt(vhat) -> [0.80348, 2.09474, -3.19322].
    // Step 2, beta1 0: m = g2, bc1 = 1 -> p -= 0.1 / sqrt(vhat) -> [0.77353, 2.0, -3.16326].
    private static double[] Run(DType dtype, double beta1, int steps)
    {
        using var p = Param("p", dtype, 1, 2, -3);
        using var opt = new Adam([p], 0.1, beta1, 0.999, 1e-8);
        double[][] grads = [[0.5, -1, 2], [1, 1, 1]];
        for (int s = 0; s < steps; s++)
        {
            SetGrad(p, grads[s]);
            opt.Step();
        }
        p.ZeroGrad();
        return p.ToDoubleArray();
    }

    [Theory]
    [InlineData(DType.Float32, 0.9)]
    [InlineData(DType.Float64, 0.9)]
    [InlineData(DType.Float32, 0.0)]
    [InlineData(DType.Float64, 0.0)]
    public void FirstStepMovesBySignTimesLearningRate(DType dtype, double beta1)
    {
        TensorAssert.Close([0.9, 2.1, -3.1], Run(dtype, beta1, 1), 1e-6, 1e-6, $"adam step 1 beta1={beta1}");
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void SecondStepWithBeta1(DType dtype)
    {
        // Hyper-parameters reach the kernel as float32 (AdamSettings), hence rtol 1e-5 even in float64.
        TensorAssert.Close([0.8034818006, 2.0947368412, -3.1932179628], Run(dtype, 0.9, 2), 1e-6, 1e-5, "adam b1");
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void SecondStepWithBeta1Zero(DType dtype)
    {
        TensorAssert.Close([0.7735278761, 2.0, -3.1632550460], Run(dtype, 0.0, 2), 1e-6, 1e-5, "adam b1=0");
    }

    [Fact]
    public void WeightDecayIsAddedToTheGradient()
    {
        // g' = g + 0.5 p = [0, 0, 0] + [0.5, 1, -1.5]: first step moves by -0.1 sign(g') -> [0.9, 1.9, -2.9]
        using var p = Param("p", DType.Float64, 1, 2, -3);
        using var opt = new Adam([p], 0.1, weightDecay: 0.5);
        SetGrad(p, 0, 0, 0);
        opt.Step();
        TensorAssert.Close([0.9, 1.9, -2.9], p.ToDoubleArray(), 1e-6, 1e-6, "adam wd");
        p.ZeroGrad();
    }

    [Fact]
    public void ParametersWithoutGradientKeepValuesMomentsAndStepCount()
    {
        using var a = Param("a", DType.Float32, 1, 2);
        using var b = Param("b", DType.Float32, 3, 4);
        using var opt = new Adam([a, b], 0.1, beta1: 0);
        SetGrad(a, 1, 1);
        opt.Step();
        Assert.Equal(new[] { 3f, 4f }, b.ToArray<float>());
        Assert.Equal(["adam.m/0", "adam.v/0", "adam.step"], opt.StateTensors().Select(s => s.Name));
        Assert.Equal(0, opt.ParameterStepCount(1));

        // b's first update happens at global step 2 but uses its own step count 1: it moves by exactly lr.
        SetGrad(b, 1, -1);
        opt.Step();
        TensorAssert.Close([2.9, 4.1], b.ToArray<float>(), 1e-6, 1e-6, "late parameter's first step");
        var aValues = a.ToArray<float>();
        var aM = opt.StateTensors().Single(s => s.Name == "adam.m/0").Tensor.ToArray<float>();
        var aV = opt.StateTensors().Single(s => s.Name == "adam.v/0").Tensor.ToArray<float>();
        a.ZeroGrad();
        opt.Step();
        Assert.Equal(aValues, a.ToArray<float>());
        Assert.Equal(aM, opt.StateTensors().Single(s => s.Name == "adam.m/0").Tensor.ToArray<float>());
        Assert.Equal(aV, opt.StateTensors().Single(s => s.Name == "adam.v/0").Tensor.ToArray<float>());
        Assert.Equal(2, opt.ParameterStepCount(0));
        Assert.Equal(2, opt.ParameterStepCount(1));
        Assert.Equal(3, opt.StepCount);
        Assert.Equal(new[] { 2f, 2f }, opt.StateTensors().Single(s => s.Name == "adam.step").Tensor.ToArray<float>());
        b.ZeroGrad();
    }
}
