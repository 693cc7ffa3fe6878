namespace Enas.Kernels;

/// <summary>Pooling flavour.</summary>
public enum PoolKind
{
    /// <summary>
    /// Maximum over the window; padding never wins. The backward routes each output's gradient to the FIRST maximum
    /// of its window in row-major order (kh outer, kw inner, padded positions skipped), on every backend.
    /// </summary>
    Max,
    /// <summary>Mean over the window; padded positions are excluded from the count (as ENAS uses).</summary>
    Average,
}

/// <summary>
/// Square-window pooling over x [N, C, H, W] giving y [N, C, OH, OW] with zero/ignored padding.
/// </summary>
public readonly record struct Pool2DDescriptor(PoolKind Kind, int N, int C, int H, int W, int Window, int Stride, int Pad)
{
    /// <summary>Output height.</summary>
    public int OutH => (H + 2 * Pad - Window) / Stride + 1;

    /// <summary>Output width.</summary>
    public int OutW => (W + 2 * Pad - Window) / Stride + 1;

    /// <summary>Elements of x.</summary>
    public long InputLength => (long)N * C * H * W;

    /// <summary>Elements of y.</summary>
    public long OutputLength => (long)N * C * OutH * OutW;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (N <= 0 || C <= 0 || H <= 0 || W <= 0 || Window <= 0 || Stride <= 0)
            throw new ArgumentException($"Pool2D: every size must be positive ({this})");
        if (Pad < 0 || Pad >= Window)
            throw new ArgumentException($"Pool2D: padding {Pad} must be in [0, window {Window})");
        if (OutH <= 0 || OutW <= 0)
            throw new ArgumentException($"Pool2D: window {Window} with padding {Pad} does not fit input {H}x{W}");
    }
}
