using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Engine.Tracing;
using Enas.Kernels;
using Enas.Kernels.Cpu;
using Enas.Tests.Infrastructure;
using Enas.Tests.Parity;

namespace Enas.Tests.Fusion;

/// <summary>
/// ReluConv2D (ReLU -> depthwise in one fused CPU kernel per pass) against the unfused x.Relu().Conv2D(...): forward
/// values and the gradients of the input and the filter bit for bit, on awkward shapes, with the input used twice
/// (gradient accumulation) and with exact zeros, -0 and negatives at the ReLU's kink; the float64 fallback by finite
/// differences; the traced graph of an export sees the two unfused ops.
/// </summary>
[Collection(CpuKernelCollection.Name)]
public class ReluDepthwiseFusionTests
{
    // (N, C, H, W, kernel, pad): widths below, at and above the 32-column tile, odd heights, pad 0 to k - 1, batch 1.
    [Theory]
    [InlineData(2, 3, 7, 7, 3, 1)]
    [InlineData(1, 5, 9, 13, 3, 1)]
    [InlineData(3, 2, 33, 33, 5, 2)]
    [InlineData(2, 4, 32, 32, 3, 1)]
    [InlineData(2, 3, 28, 28, 5, 2)]
    [InlineData(1, 2, 6, 5, 3, 0)]
    [InlineData(2, 3, 8, 8, 5, 4)]
    [InlineData(64, 8, 7, 7, 3, 1)]
    public void ValuesAndGradientsEqualTheUnfusedPairBitwise(int n, int c, int h, int w, int k, int pad)
    {
        var d = new Conv2DDescriptor(n, c, h, w, c, k, k, 1, pad, c);
        Assert.True(CpuBackend.Instance.SupportsReluDepthwise(d, DType.Float32), "the fused path must be taken");
        var unfused = Run(n, c, h, w, k, pad, fused: false);
        var fused = Run(n, c, h, w, k, pad, fused: true);
        for (int i = 0; i < unfused.Length; i++) AssertBitwise(unfused[i], fused[i], new[] { "y", "dx", "dw1", "dw2" }[i]);
    }

    [Fact]
    public void MultiThreadedEqualsOneThreadBitwise()
    {
        int saved = CpuParallel.MaxThreads;
        try
        {
            CpuParallel.MaxThreads = 1;
            var one = Run(4, 6, 17, 19, 3, 1, fused: true);
            CpuParallel.MaxThreads = 2;
            var two = Run(4, 6, 17, 19, 3, 1, fused: true);
            for (int i = 0; i < one.Length; i++) AssertBitwise(one[i], two[i], $"output {i}");
        }
        finally
        {
            CpuParallel.MaxThreads = saved;
        }
    }

    [Theory]
    [InlineData(2, 3, 5, 3, 1, 1)]
    [InlineData(1, 2, 7, 5, 2, 2)]
    public void Float64FallbackPassesFiniteDifferences(int n, int c, int hw, int k, int pad, int stride)
    {
        var x = Parameter.Create<double>("x", new Shape(n, c, hw, hw), Seeds.AwayFromZero(n * c * hw * hw, 1));
        var w = Parameter.Create<double>("w", new Shape(c, 1, k, k), Seeds.Uniform(c * k * k, 2));
        var r = Enas.Engine.Autodiff.GradCheck.Run(p => p[0].ReluConv2D(p[1], stride, pad, c), [x, w]);
        Assert.True(r.Passed, r.Report);
    }

    [Fact]
    public void TracedGraphSeesReluThenConv()
    {
        using var w = Parameter.Create<float>("w", new Shape(2, 1, 3, 3), [.. Enumerable.Range(0, 18).Select(i => i / 18f - 0.4f)]);
        using var x = Tensor.FromArray([.. Enumerable.Range(0, 2 * 2 * 6 * 6).Select(i => (float)Math.Cos(i))],
            new Shape(2, 2, 6, 6), persistent: true);
        var g = GraphTrace.Record(x, t => t.ReluConv2D(w, 1, 1, 2));
        Assert.Equal([typeof(UnaryDescription), typeof(ConvDescription)], g.Nodes.Select(node => node.Op.GetType()));
    }

    /// <summary>y of the first use, then dx (h used twice plus a direct term), dw of both filters.</summary>
    private static float[][] Run(int n, int c, int h, int w, int k, int pad, bool fused)
    {
        var rng = new Random(n * 1000 + c * 100 + h * 10 + k);
        var xData = new float[n * c * h * w];
        for (int i = 0; i < xData.Length; i++)
            xData[i] = (i % 11) switch { 0 => 0f, 5 => -0f, _ => (float)(rng.NextDouble() * 2 - 1) };
        using var x = Parameter.Create<float>("x", new Shape(n, c, h, w), xData);
        using var w1 = Parameter.Create<float>("w1", new Shape(c, 1, k, k), Floats(c * k * k, rng));
        using var w2 = Parameter.Create<float>("w2", new Shape(c, 1, k, k), Floats(c * k * k, rng));
        int oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1;
        using var weights = Tensor.FromArray(Floats(n * c * oh * ow, rng), new Shape(n, c, oh, ow), persistent: true);
        float[] y;
        using (var tape = Tape.Record())
        {
            var hidden = x * 1.5; // a tape output used three times: its gradient accumulates
            var a = fused ? hidden.ReluConv2D(w1, 1, pad, c) : hidden.Relu().Conv2D(w1, 1, pad, c);
            var b = fused ? hidden.ReluConv2D(w2, 1, pad, c) : hidden.Relu().Conv2D(w2, 1, pad, c);
            y = a.ToFloatArray();
            var loss = ((a + b) * weights).Sum() + hidden.Sum();
            tape.Backward(loss);
        }
        return [y, x.Grad!.ToFloatArray(), w1.Grad!.ToFloatArray(), w2.Grad!.ToFloatArray()];
    }

    private static float[] Floats(int count, Random rng)
    {
        var data = new float[count];
        for (int i = 0; i < count; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return data;
    }

    private static void AssertBitwise(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}[{i}]: unfused {expected[i]:R}, fused {actual[i]:R}");
    }
}
