namespace Enas.Kernels;

/// <summary>
/// A 2-D convolution over NCHW input x [N, C, H, W] with weight w [K, C / Groups, R, S] giving y [N, K, OH, OW].
/// Square stride and padding (zero padding), no dilation, no bias. Groups == C == K is a depthwise convolution.
/// The same value is passed to CPU loops and ILGPU kernels; kernels trust it, <see cref="Validate"/> runs before.
/// </summary>
public readonly record struct Conv2DDescriptor(
    int N, int C, int H, int W, int K, int R, int S, int Stride, int Pad, int Groups = 1)
{
    /// <summary>Output height.</summary>
    public int OutH => (H + 2 * Pad - R) / Stride + 1;

    /// <summary>Output width.</summary>
    public int OutW => (W + 2 * Pad - S) / Stride + 1;

    /// <summary>Input channels per group.</summary>
    public int CPerGroup => C / Groups;

    /// <summary>Output channels per group.</summary>
    public int KPerGroup => K / Groups;

    /// <summary>True when every input channel has its own single filter (groups == C == K).</summary>
    public bool IsDepthwise => Groups == C && K == C && Groups > 1;

    /// <summary>Elements of x.</summary>
    public long InputLength => (long)N * C * H * W;

    /// <summary>Elements of w.</summary>
    public long WeightLength => (long)K * CPerGroup * R * S;

    /// <summary>Elements of y.</summary>
    public long OutputLength => (long)N * K * OutH * OutW;

    /// <summary>Multiply-adds times two of one forward pass.</summary>
    public double Flops => 2.0 * N * K * OutH * OutW * CPerGroup * R * S;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (N <= 0 || C <= 0 || H <= 0 || W <= 0 || K <= 0 || R <= 0 || S <= 0)
            throw new ArgumentException($"Conv2D: every size must be positive ({this})");
        if (Stride <= 0) throw new ArgumentException($"Conv2D: stride must be positive, got {Stride}");
        if (Pad < 0) throw new ArgumentException($"Conv2D: padding must be >= 0, got {Pad}");
        if (Groups <= 0 || C % Groups != 0 || K % Groups != 0)
            throw new ArgumentException($"Conv2D: groups {Groups} must divide input channels {C} and output channels {K}");
        if (OutH <= 0 || OutW <= 0)
            throw new ArgumentException(
                $"Conv2D: kernel {R}x{S} with padding {Pad} does not fit input {H}x{W}");
    }
}
