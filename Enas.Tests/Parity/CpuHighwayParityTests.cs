using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Kernels;
using Enas.Tests.Infrastructure;
using Enas.Tests.Reference;
using static Enas.Tests.Parity.KernelHarness;

namespace Enas.Tests.Parity;

public class CpuHighwayParityTests
{
    internal static void Run(string act, IBackend backend, int rows, int hidden, DeviceBuffer pre, DeviceBuffer prev,
        DeviceBuffer y, DeviceBuffer dy, DeviceBuffer? dpre, DeviceBuffer? dprev, bool backward)
    {
        switch (act)
        {
            case "tanh": Go<Tanh>(); break;
            case "relu": Go<Relu>(); break;
            case "identity": Go<Identity>(); break;
            case "sigmoid": Go<Sigmoid>(); break;
            default: throw new ArgumentException(act);
        }
        void Go<T>() where T : struct, IUnaryOp
        {
            if (backward) backend.HighwayBackward<T>(rows, hidden, pre, prev, dy, dpre, dprev);
            else backend.Highway<T>(rows, hidden, pre, prev, y);
        }
    }

    [Theory]
    [InlineData("tanh", DType.Float32, 1, 1)]
    [InlineData("relu", DType.Float32, 7, 33)]
    [InlineData("identity", DType.Float32, 3, 64)]
    [InlineData("sigmoid", DType.Float32, 16, 5)]
    [InlineData("tanh", DType.Float32, 300, 64)]
    [InlineData("relu", DType.Float64, 7, 33)]
    [InlineData("tanh", DType.Float64, 2, 3)]
    public void HighwayMatchesReference(string act, DType dtype, int rows, int hidden)
    {
        var preData = Seeds.Uniform(rows * 2 * hidden, rows + hidden, -3, 3);
        var prevData = Seeds.Uniform(rows * hidden, 7, -2, 2);
        var dyData = Seeds.Uniform(rows * hidden, 8);
        var (atol, rtol) = Tolerance(dtype, 1e-6, 1e-5);
        using var pre = Upload(preData, dtype);
        using var prev = Upload(prevData, dtype);
        using var y = Empty(dtype, rows * hidden);
        using var dy = Upload(dyData, dtype);
        using var dpre = Empty(dtype, rows * 2 * hidden);
        using var dprev = Empty(dtype, rows * hidden);
        Run(act, Cpu, rows, hidden, pre, prev, y, dy, null, null, backward: false);
        var p = AsSeen(preData, dtype);
        var q = AsSeen(prevData, dtype);
        var d = AsSeen(dyData, dtype);
        TensorAssert.Close(ReferenceHighway.Forward(act, rows, hidden, p, q), Download(y), atol, rtol, $"highway {act} {dtype} [{rows}, {hidden}]");
        Run(act, Cpu, rows, hidden, pre, prev, y, dy, dpre, dprev, backward: true);
        var (ePre, ePrev) = ReferenceHighway.Backward(act, rows, hidden, p, q, d);
        TensorAssert.Close(ePre, Download(dpre), atol, rtol, $"highway {act} d(pre)");
        TensorAssert.Close(ePrev, Download(dprev), atol, rtol, $"highway {act} d(prev)");
        // either gradient alone
        Cpu.Fill(dprev, 0, rows * hidden, 123);
        Run(act, Cpu, rows, hidden, pre, prev, y, dy, null, dprev, backward: true);
        TensorAssert.Close(ePrev, Download(dprev), atol, rtol, $"highway {act} d(prev) alone");
    }

    [Theory]
    [InlineData("tanh")]
    [InlineData("relu")]
    [InlineData("identity")]
    [InlineData("sigmoid")]
    public void HighwayOpGradCheck(string act)
    {
        var pre = Parameter.Create<double>("pre", new Shape(3, 8), Seeds.Uniform(24, 31, -2, 2));
        var prev = Parameter.Create<double>("prev", new Shape(3, 4), Seeds.Uniform(12, 32, -1, 1));
        Tensor F(IReadOnlyList<Tensor> p) => act switch
        {
            "tanh" => p[0].Highway<Tanh>(p[1]),
            "relu" => p[0].Highway<Relu>(p[1]),
            "identity" => p[0].Highway<Identity>(p[1]),
            _ => p[0].Highway<Sigmoid>(p[1]),
        };
        var r = Enas.Engine.Autodiff.GradCheck.Run(F, [pre, prev]);
        Assert.True(r.Passed, r.Report);
        using var scope = TensorScope.Begin();
        var ex = Assert.Throws<ShapeMismatchException>(() => prev.Highway<Tanh>(prev));
        Assert.Contains("[3, 8]", ex.Message);
    }
}
