using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Engine.Nn;
using Enas.Engine.Optim;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Nn;

/// <summary>Layers built on MatMul and Conv2D (Gemm and conv kernels from cpu-conv), plus LstmCell (Slice).</summary>
public class LayerTests
{
    private static Sequential Mlp(int seed, int hidden = 16) => new Sequential()
        .Add(new Linear("fc1", 4, hidden, bias: true, new Random(seed)))
        .Add(t => t.Relu())
        .Add(new Linear("fc2", hidden, 3, bias: true, new Random(seed + 1)));

    [Fact]
    public void LinearComputesXTimesWeightPlusBias()
    {
        using var fc = new Linear("fc", 2, 3, bias: true, new Random(1));
        fc.Weight.Load<float>([1, 2, 3, 4, 5, 6]);
        fc.Bias!.Load<float>([0.5f, -1, 0]);
        using var scope = TensorScope.Begin();
        var y = fc.Forward(Tensor.FromArray<float>([1, -1, 2, 0.5f], new Shape(2, 2)));
        Assert.Equal(new Shape(2, 3), y.Shape);
        // row 0: [1 - 4, 2 - 5, 3 - 6] + b; row 1: [2 + 2, 4 + 2.5, 6 + 3] + b
        Assert.Equal(new[] { -2.5f, -4, -3, 4.5f, 5.5f, 9 }, y.ToArray<float>());
        Assert.Throws<ShapeMismatchException>(() => fc.Forward(Tensor.Zeros(new Shape(2, 3))));
    }

    [Fact]
    public void SmallMlpOverfitsOneBatchWithCrossEntropy()
    {
        using var mlp = Mlp(11);
        using var opt = new Sgd(mlp.Parameters(), 0.2, momentum: 0.9, nesterov: true);
        var rng = new Random(3);
        var xs = Enumerable.Range(0, 8 * 4).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        int[] labels = [0, 1, 2, 0, 1, 2, 2, 1];
        double first = 0, last = 0;
        for (int step = 0; step < 200; step++)
        {
            using var tape = Tape.Record();
            var loss = mlp.Forward(Tensor.FromArray(xs, new Shape(8, 4)))
                .CrossEntropy(Tensor.FromArray(labels, new Shape(8)));
            last = loss.Item();
            if (step == 0) first = last;
            opt.ZeroGrad();
            tape.Backward(loss);
            GradClip.ClipGlobalNorm(mlp.Parameters(), 5);
            opt.Step();
        }
        opt.ZeroGrad();
        Assert.True(first > 0.5 && last < 0.02, $"cross-entropy went from {first} to {last}");
    }

    [Fact]
    public void SmallMlpOverfitsOneBatchWithMse()
    {
        using var mlp = Mlp(11);
        using var opt = new Adam(mlp.Parameters(), 0.02);
        var rng = new Random(3);
        var xs = Enumerable.Range(0, 8 * 4).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var ys = Enumerable.Range(0, 8 * 3).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        double first = 0, last = 0;
        for (int step = 0; step < 300; step++)
        {
            using var tape = Tape.Record();
            var loss = (mlp.Forward(Tensor.FromArray(xs, new Shape(8, 4))) - Tensor.FromArray(ys, new Shape(8, 3)))
                .Square().Mean();
            last = loss.Item();
            if (step == 0) first = last;
            opt.ZeroGrad();
            tape.Backward(loss);
            opt.Step();
        }
        opt.ZeroGrad();
        Assert.True(last < first * 0.02, $"loss went from {first} to {last}");
    }

    private static Parameter P64(string name, Shape shape, int seed, double scale = 0.5) =>
        Parameter.Create<double>(name, shape, Array.ConvertAll(Seeds.Uniform((int)shape.ElementCount, seed), v => v * scale));

    [Fact]
    public void LstmCellMatchesAHandWrittenReference()
    {
        const int n = 2, input = 3, hidden = 2;
        using var cell = new LstmCell("lstm", P64("wx", new Shape(input, 4 * hidden), 1),
            P64("wh", new Shape(hidden, 4 * hidden), 2), P64("b", new Shape(4 * hidden), 3));
        var x = Seeds.Uniform(n * input, 4);
        var h = Seeds.Uniform(n * hidden, 5);
        var c = Seeds.Uniform(n * hidden, 6);
        var wx = cell.WeightInput.ToArray<double>();
        var wh = cell.WeightHidden.ToArray<double>();
        var b = cell.Bias.ToArray<double>();
        var expectedH = new double[n * hidden];
        var expectedC = new double[n * hidden];
        static double Sig(double v) => 1 / (1 + Math.Exp(-v));
        for (int r = 0; r < n; r++)
        {
            var gates = new double[4 * hidden];
            for (int j = 0; j < 4 * hidden; j++)
            {
                double acc = b[j];
                for (int k = 0; k < input; k++) acc += x[r * input + k] * wx[k * 4 * hidden + j];
                for (int k = 0; k < hidden; k++) acc += h[r * hidden + k] * wh[k * 4 * hidden + j];
                gates[j] = acc;
            }
            for (int u = 0; u < hidden; u++)
            {
                double i = Sig(gates[u]), f = Sig(gates[hidden + u]);
                double g = Math.Tanh(gates[2 * hidden + u]), o = Sig(gates[3 * hidden + u]);
                expectedC[r * hidden + u] = f * c[r * hidden + u] + i * g;
                expectedH[r * hidden + u] = o * Math.Tanh(expectedC[r * hidden + u]);
            }
        }
        using var scope = TensorScope.Begin();
        var (hNext, cNext) = cell.Forward(Tensor.FromArray(x, new Shape(n, input)),
            Tensor.FromArray(h, new Shape(n, hidden)), Tensor.FromArray(c, new Shape(n, hidden)));
        TensorAssert.Close(expectedH, hNext.ToArray<double>(), 1e-12, 1e-12, "lstm h");
        TensorAssert.Close(expectedC, cNext.ToArray<double>(), 1e-12, 1e-12, "lstm c");
        // the same step from the sequence-wide input projection (row block 1 of a 3-step sequence)
        var xs = Tensor.FromArray(Seeds.Uniform(3 * n * input, 7), new Shape(3 * n, input));
        xs = Tensor.Concat([xs.Slice(0, 0, n), Tensor.FromArray(x, new Shape(n, input)), xs.Slice(0, 2 * n, n)], 0);
        var (hp, cp) = cell.ForwardProjected(cell.ProjectInput(xs).Slice(0, n, n),
            Tensor.FromArray(h, new Shape(n, hidden)), Tensor.FromArray(c, new Shape(n, hidden)));
        TensorAssert.Close(expectedH, hp.ToArray<double>(), 1e-12, 1e-12, "lstm h from the projection");
        TensorAssert.Close(expectedC, cp.ToArray<double>(), 1e-12, 1e-12, "lstm c from the projection");
        Assert.Throws<ShapeMismatchException>(() => cell.ForwardProjected(xs, Tensor.FromArray(h, new Shape(n, hidden)),
            Tensor.FromArray(c, new Shape(n, hidden))));
    }

    [Fact]
    public void LstmCellGradCheck()
    {
        const int n = 2, input = 3, hidden = 3;
        var wx = P64("wx", new Shape(input, 4 * hidden), 11);
        var wh = P64("wh", new Shape(hidden, 4 * hidden), 12);
        var b = P64("b", new Shape(4 * hidden), 13);
        using var cell = new LstmCell("lstm", wx, wh, b); // the cell owns (and disposes) its weights
        using var x = P64("x", new Shape(n, input), 14, 1);
        using var h = P64("h", new Shape(n, hidden), 15, 1);
        using var c = P64("c", new Shape(n, hidden), 16, 1);
        var result = Engine.Autodiff.GradCheck.Run(ps =>
        {
            var (hn, cn) = cell.Forward(ps[3], ps[4], ps[5]);
            return Tensor.Concat([hn, cn], 1);
        }, [wx, wh, b, x, h, c]);
        Assert.True(result.Passed, result.Report);
    }

    [Fact]
    public void SeparableConvCountsInBoundsNeighbours()
    {
        // x = ones [1, 2, 3, 3]; depthwise 3x3 of ones, pad 1, stride 2 -> at the four corners each channel sums
        // 4 in-bounds pixels; pointwise [1, 2] mixes channels: 4 * 1 + 4 * 2 = 12.
        using var sep = new SeparableConv2D("sep", 2, 1, 3, 2, 1, new Random(1));
        sep.Depthwise.Weight.Load<float>(Enumerable.Repeat(1f, 18).ToArray());
        sep.Pointwise.Weight.Load<float>([1, 2]);
        using var scope = TensorScope.Begin();
        var y = sep.Forward(Tensor.Full(new Shape(1, 2, 3, 3), 1));
        Assert.Equal(new Shape(1, 1, 2, 2), y.Shape);
        Assert.Equal(new[] { 12f, 12, 12, 12 }, y.ToArray<float>());
    }

    [Fact]
    public void Conv2DModuleShapesAndHeInit()
    {
        using var conv = new Conv2D("conv", 3, 8, 3, 1, 1, new Random(2));
        Assert.Equal(new Shape(8, 3, 3, 3), conv.Weight.Shape);
        using var scope = TensorScope.Begin();
        Assert.Equal(new Shape(2, 8, 5, 7), conv.Forward(Tensor.Full(new Shape(2, 3, 5, 7), 0.5)).Shape);
        using var strided = new Conv2D("s", 4, 4, 3, 2, 1, new Random(3), groups: 4);
        Assert.Equal(new Shape(4, 1, 3, 3), strided.Weight.Shape);
        Assert.Equal(new Shape(1, 4, 4, 4), strided.Forward(Tensor.Full(new Shape(1, 4, 7, 7), 1)).Shape);
        Assert.Throws<ArgumentException>(() => new Conv2D("bad", 3, 4, 3, 1, 1, new Random(1), groups: 2));
    }
}
