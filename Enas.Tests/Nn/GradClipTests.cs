using Enas.Engine.Optim;
using Enas.Kernels;
using Enas.Tests.Infrastructure;
using static Enas.Tests.Nn.OptimizerTestHelpers;

namespace Enas.Tests.Nn;

public class GradClipTests
{
    [Fact]
    public void ScalesAllGradientsWhenAboveMaxNorm()
    {
        using var a = Param("a", DType.Float32, 0, 0);
        using var b = Param("b", DType.Float32, 0);
        using var none = Param("none", DType.Float32, 0);
        SetGrad(a, 3, 4);
        SetGrad(b, 12);
        double norm = GradClip.ClipGlobalNorm([a, b, none], 6.5); // sqrt(9 + 16 + 144) = 13
        Assert.Equal(13, norm, 5);
        TensorAssert.Close([1.5, 2], a.Grad!.ToArray<float>(), 1e-6, 1e-6, "a");
        TensorAssert.Close([6], b.Grad!.ToArray<float>(), 1e-6, 1e-6, "b");
        Assert.Null(none.Grad);
        a.ZeroGrad();
        b.ZeroGrad();
    }

    [Fact]
    public void LeavesGradientsBelowMaxNormAlone()
    {
        using var a = Param("a", DType.Float64, 0, 0);
        SetGrad(a, 3, 4);
        Assert.Equal(5, GradClip.ClipGlobalNorm([a], 5.0), 12);
        Assert.Equal(new[] { 3.0, 4.0 }, a.Grad!.ToArray<double>());
        a.ZeroGrad();
        Assert.Equal(0, GradClip.ClipGlobalNorm([a], 1.0));
    }

    [Fact]
    public void NaNNormIsReturnedWithoutScaling()
    {
        using var a = Param("a", DType.Float32, 0, 0);
        using var b = Param("b", DType.Float32, 0);
        SetGrad(a, double.NaN, 1);
        SetGrad(b, 100);
        Assert.True(double.IsNaN(GradClip.ClipGlobalNorm([a, b], 1.0)));
        Assert.Equal(new[] { 100f }, b.Grad!.ToArray<float>());
        a.ZeroGrad();
        b.ZeroGrad();
    }
}
