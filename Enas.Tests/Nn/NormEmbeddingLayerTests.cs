using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Engine.Nn;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Nn;

/// <summary>BatchNorm2D and Embedding modules (need the cpu-nn kernels, not Gemm).</summary>
public class NormEmbeddingLayerTests
{
    // x [N=2, C=2, H=1, W=2]: channel 0 holds {1, 3, 5, 7}, channel 1 holds {-2, 0, 2, 4} (spatial-major per sample).
    private static readonly float[] X = [1, 3, -2, 0, 5, 7, 2, 4];

    [Fact]
    public void TrainingModeNormalisesAndUpdatesRunningStatistics()
    {
        using var bn = new BatchNorm2D("bn", 2, affine: true);
        bn.Gamma!.Load<float>([2, 1]);
        bn.Beta!.Load<float>([0, 10]);
        float[] y;
        using (TensorScope.Begin()) y = bn.Forward(Tensor.FromArray(X, new Shape(2, 2, 1, 2))).ToArray<float>();
        // channel 0: mean 4, biased var 5; channel 1: mean 1, var 5.
        double s = 1 / Math.Sqrt(5 + 1e-5);
        double[] expected =
        [
            2 * (1 - 4) * s, 2 * (3 - 4) * s, 10 + (-2 - 1) * s, 10 + (0 - 1) * s,
            2 * (5 - 4) * s, 2 * (7 - 4) * s, 10 + (2 - 1) * s, 10 + (4 - 1) * s,
        ];
        TensorAssert.Close(expected, y, 1e-5, 1e-5, "bn train");
        // running = 0.9 running + 0.1 batch, variance unbiased (20 / 3).
        TensorAssert.Close([0.4, 0.1], bn.RunningMean.ToArray<float>(), 1e-6, 1e-6, "running mean");
        TensorAssert.Close([0.9 + 0.1 * 20 / 3.0, 0.9 + 0.1 * 20 / 3.0], bn.RunningVar.ToArray<float>(), 1e-6, 1e-5,
            "running var");
    }

    [Fact]
    public void EvalModeUsesRunningStatistics()
    {
        using var bn = new BatchNorm2D("bn", 2, affine: false);
        bn.RunningMean.Backend.Upload<float>([1, -1], bn.RunningMean.Buffer);
        bn.RunningVar.Backend.Upload<float>([4, 0.25f], bn.RunningVar.Buffer);
        bn.Eval();
        Assert.False(bn.IsTraining);
        float[] y;
        using (TensorScope.Begin()) y = bn.Forward(Tensor.FromArray(X, new Shape(2, 2, 1, 2))).ToArray<float>();
        double a = 1 / Math.Sqrt(4 + 1e-5), b = 1 / Math.Sqrt(0.25 + 1e-5);
        double[] expected = [0, 2 * a, -1 * b, 1 * b, 4 * a, 6 * a, 3 * b, 5 * b];
        TensorAssert.Close(expected, y, 1e-5, 1e-5, "bn eval");
        Assert.Equal(new[] { 1f, -1f }, bn.RunningMean.ToArray<float>()); // not updated in eval
    }

    [Fact]
    public void EmbeddingGathersRowsAndAccumulatesGradients()
    {
        using var emb = new Embedding("emb", 4, 2, new Random(1));
        emb.Weight.Load<float>([0, 1, 10, 11, 20, 21, 30, 31]);
        using (var tape = Tape.Record())
        {
            var rows = emb.Forward(Tensor.FromArray<int>([3, 0, 3], new Shape(3)));
            Assert.Equal(new[] { 30f, 31, 0, 1, 30, 31 }, rows.ToArray<float>());
            tape.Backward(rows.Sum());
        }
        Assert.Equal(new[] { 1f, 1, 0, 0, 0, 0, 2, 2 }, emb.Weight.Grad!.ToArray<float>());
        emb.ZeroGrad();
    }
}
