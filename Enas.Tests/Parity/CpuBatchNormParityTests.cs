using Enas.Kernels;
using Enas.Tests.Infrastructure;
using Enas.Tests.Reference;
using static Enas.Tests.Parity.KernelHarness;

namespace Enas.Tests.Parity;

public class CpuBatchNormParityTests
{
    [Theory]
    [InlineData(DType.Float32, 1, 3, 49, true)]
    [InlineData(DType.Float32, 4, 5, 1, true)]
    [InlineData(DType.Float32, 2, 7, 1089, false)]
    [InlineData(DType.Float32, 3, 36, 64, true)]
    [InlineData(DType.Float32, 8, 1, 7, false)]
    [InlineData(DType.Float64, 2, 7, 1089, true)]
    [InlineData(DType.Float64, 4, 5, 1, false)]
    public void TrainingInferenceAndBackwardMatchReference(DType dtype, int n, int c, int spatial, bool affine)
    {
        var d = new BatchNormDescriptor(n, c, spatial, 1e-5, 0.1);
        // An offset mean and a small spread: naive one-pass float32 variance would lose most digits here.
        var xData = Seeds.Uniform((int)d.Length, n + c, 2.5, 3.5);
        var dyData = Seeds.Uniform((int)d.Length, 7);
        double[]? gData = affine ? Seeds.Uniform(c, 8, 0.5, 1.5) : null;
        double[]? bData = affine ? Seeds.Uniform(c, 9) : null;
        var rmData = Seeds.Uniform(c, 10);
        var rvData = Seeds.Uniform(c, 11, 0.5, 2);
        string ctx = $"{dtype} [{n}, {c}, {spatial}] affine={affine}";
        var (atol, rtol) = Tolerance(dtype, 1e-4, 1e-4);

        using var x = Upload(xData, dtype);
        using var gamma = gData is null ? null : Upload(gData, dtype);
        using var beta = bData is null ? null : Upload(bData, dtype);
        using var y = Empty(dtype, d.Length);
        using var mean = Empty(dtype, c);
        using var invStd = Empty(dtype, c);
        using var rm = Upload(rmData, dtype);
        using var rv = Upload(rvData, dtype);
        Cpu.BatchNormForwardTraining(d, x, gamma, beta, y, mean, invStd, rm, rv);

        var seenX = AsSeen(xData, dtype);
        var seenG = gData is null ? null : AsSeen(gData, dtype);
        var seenB = bData is null ? null : AsSeen(bData, dtype);
        var (refMean, refVar) = ReferenceBatchNorm.Statistics(d, seenX);
        TensorAssert.Close(ReferenceBatchNorm.Normalize(d, seenX, refMean, refVar, seenG, seenB), Download(y), atol,
            rtol, ctx + " y");
        TensorAssert.Close(refMean, Download(mean), atol, rtol, ctx + " mean");
        TensorAssert.Close(Array.ConvertAll(refVar, v => 1 / Math.Sqrt(v + d.Epsilon)), Download(invStd), atol,
            rtol * 10, ctx + " invstd");
        var (refRm, refRv) = ReferenceBatchNorm.UpdateRunning(d, seenX, AsSeen(rmData, dtype), AsSeen(rvData, dtype));
        TensorAssert.Close(refRm, Download(rm), atol, rtol, ctx + " running mean");
        TensorAssert.Close(refRv, Download(rv), atol, rtol, ctx + " running var");

        using var dy = Upload(dyData, dtype);
        using var dx = Empty(dtype, d.Length);
        using var dgamma = Empty(dtype, c);
        using var dbeta = Empty(dtype, c);
        Cpu.BatchNormBackward(d, x, dy, gamma, mean, invStd, dx, dgamma, dbeta);
        var (refDx, refDg, refDb) = ReferenceBatchNorm.Backward(d, seenX, AsSeen(dyData, dtype), seenG);
        // Sums over up to 2k elements feed these: scale the float32 tolerance with the count.
        double sumAtol = dtype == DType.Float64 ? 1e-10 : 1e-5 * d.CountPerChannel;
        TensorAssert.Close(refDx, Download(dx), dtype == DType.Float64 ? 1e-10 : 1e-3, 1e-3, ctx + " dx");
        TensorAssert.Close(refDg, Download(dgamma), sumAtol, 1e-3, ctx + " dgamma");
        TensorAssert.Close(refDb, Download(dbeta), sumAtol, 1e-3, ctx + " dbeta");

        // Inference with the updated running statistics.
        using var yInf = Empty(dtype, d.Length);
        Cpu.BatchNormForwardInference(d, x, gamma, beta, rm, rv, yInf);
        var expectedInf = ReferenceBatchNorm.Normalize(d, seenX, AsSeen(Download(rm), dtype), AsSeen(Download(rv), dtype),
            seenG, seenB);
        TensorAssert.Close(expectedInf, Download(yInf), atol, rtol, ctx + " inference");
    }

    [Theory]
    [InlineData(1000.0, 0.05)]
    [InlineData(-50.0, 0.01)] // the float32 mean itself is only exact to ulp(50) / 2, so the spread cannot be much smaller
    public void Float32StatisticsSurviveALargeOffset(double offset, double spread)
    {
        var d = new BatchNormDescriptor(4, 3, 49, 1e-8);
        var xData = Seeds.Uniform((int)d.Length, 12, offset - spread, offset + spread);
        var seen = AsSeen(xData, DType.Float32);
        using var x = Upload(xData, DType.Float32);
        using var y = Empty(DType.Float32, d.Length);
        using var mean = Empty(DType.Float32, 3);
        using var invStd = Empty(DType.Float32, 3);
        Cpu.BatchNormForwardTraining(d, x, null, null, y, mean, invStd, null, null);
        var (m, v) = ReferenceBatchNorm.Statistics(d, seen);
        TensorAssert.Close(ReferenceBatchNorm.Normalize(d, seen, m, v, null, null), Download(y), 2e-3, 2e-3,
            $"normalised output, offset {offset}");
        TensorAssert.Close(Array.ConvertAll(v, e => 1 / Math.Sqrt(e + d.Epsilon)), Download(invStd), 0, 1e-3,
            $"1/std, offset {offset}");
    }

    [Fact]
    public void BackwardWithoutParameterGradientsStillWritesDx()
    {
        var d = new BatchNormDescriptor(3, 2, 5);
        var xData = Seeds.Uniform((int)d.Length, 1);
        var dyData = Seeds.Uniform((int)d.Length, 2);
        using var x = Upload(xData, DType.Float64);
        using var dy = Upload(dyData, DType.Float64);
        using var y = Empty(DType.Float64, d.Length);
        using var mean = Empty(DType.Float64, 2);
        using var invStd = Empty(DType.Float64, 2);
        using var dx = Empty(DType.Float64, d.Length);
        Cpu.BatchNormForwardTraining(d, x, null, null, y, mean, invStd, null, null);
        Cpu.BatchNormBackward(d, x, dy, null, mean, invStd, dx, null, null);
        TensorAssert.Close(ReferenceBatchNorm.Backward(d, xData, dyData, null).Dx, Download(dx), 1e-10, 1e-10, "dx");
    }
}
