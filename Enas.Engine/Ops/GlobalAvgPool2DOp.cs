using Enas.Kernels;

namespace Enas.Engine.Ops;

/// <summary>[N, C, H, W] to [N, C]: the mean over H and W (the existing reduction; its backward spreads dy / (H*W)).</summary>
internal static class GlobalAvgPool2DOp
{
    public static Tensor Apply(Tensor x)
    {
        OpChecks.SameDeviceAndFloat("GlobalAvgPool2D", x);
        OpChecks.Rank("GlobalAvgPool2D", x, 4, "input (NCHW)");
        if (x.Shape[2] * x.Shape[3] == 0)
            throw new ShapeMismatchException("GlobalAvgPool2D", $"spatial size must not be empty, got {x.Shape}");
        return ReduceOp.Apply(x, ReduceKind.Mean, 2, 3, keepDims: false);
    }
}
