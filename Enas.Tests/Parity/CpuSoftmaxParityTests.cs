using Enas.Kernels;
using Enas.Tests.Infrastructure;
using Enas.Tests.Reference;
using static Enas.Tests.Parity.KernelHarness;

namespace Enas.Tests.Parity;

public class CpuSoftmaxParityTests
{
    [Theory]
    [InlineData(DType.Float32, 1, 1, 1.0)]
    [InlineData(DType.Float32, 3, 10, 1.0)]
    [InlineData(DType.Float32, 7, 33, 5.0)]
    [InlineData(DType.Float32, 2, 1000, 50.0)]
    [InlineData(DType.Float64, 7, 33, 5.0)]
    [InlineData(DType.Float64, 2, 1000, 50.0)]
    public void LogSoftmaxMatchesReference(DType dtype, int rows, int cols, double scale)
    {
        var xData = Seeds.Uniform(rows * cols, rows + cols, -scale, scale);
        var dyData = Seeds.Uniform(rows * cols, 17);
        var (atol, rtol) = Tolerance(dtype, 2e-5 * Math.Max(1, scale), 1e-5);
        using var x = Upload(xData, dtype);
        using var y = Empty(dtype, rows * cols);
        using var dy = Upload(dyData, dtype);
        using var dx = Empty(dtype, rows * cols);
        Cpu.LogSoftmax(rows, cols, x, y);
        var expected = ReferenceSoftmax.LogSoftmax(AsSeen(xData, dtype), rows, cols);
        TensorAssert.Close(expected, Download(y), atol, rtol, $"log_softmax {dtype} [{rows}, {cols}]");
        Cpu.LogSoftmaxBackward(rows, cols, y, dy, dx);
        var expectedDx = ReferenceSoftmax.LogSoftmaxBackward(expected, AsSeen(dyData, dtype), rows, cols);
        TensorAssert.Close(expectedDx, Download(dx), 1e-5 * (dtype == DType.Float64 ? 1e-6 : cols), rtol,
            $"log_softmax backward {dtype} [{rows}, {cols}]");
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void GatherAndScatterAddMatchReference(DType dtype)
    {
        const int rows = 6, dim = 37;
        int[] idx = [4, 0, 4, 5, 2, 4, 0];
        var table = Seeds.Uniform(rows * dim, 2);
        var values = Seeds.Uniform(idx.Length * dim, 3);
        using var t = Upload(table, dtype);
        using var i = UploadIndices(idx);
        using var gathered = Empty(dtype, idx.Length * dim);
        Cpu.Gather(t, i, gathered, idx.Length, dim);
        var expected = new double[idx.Length * dim];
        var expectedTable = AsSeen(table, dtype);
        var seenValues = AsSeen(values, dtype);
        for (int r = 0; r < idx.Length; r++)
            for (int c = 0; c < dim; c++)
            {
                expected[r * dim + c] = expectedTable[idx[r] * dim + c];
            }
        TensorAssert.Close(expected, Download(gathered), 0, 0, $"gather {dtype}");
        using var v = Upload(values, dtype);
        Cpu.ScatterAdd(v, i, t, idx.Length, dim);
        for (int r = 0; r < idx.Length; r++)
            for (int c = 0; c < dim; c++) expectedTable[idx[r] * dim + c] += seenValues[r * dim + c];
        var (atol, rtol) = Tolerance(dtype);
        TensorAssert.Close(expectedTable, Download(t), atol, rtol, $"scatter-add {dtype}");
    }
}
