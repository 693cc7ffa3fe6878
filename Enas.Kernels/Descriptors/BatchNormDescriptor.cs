namespace Enas.Kernels;

/// <summary>
/// Batch normalisation over x viewed as [N, C, Spatial] (NCHW with Spatial = H*W; [N, C] has Spatial = 1).
/// Statistics are per channel over N*Spatial values; variance is the biased batch variance, the running variance
/// is updated with the unbiased one: running = (1 - Momentum) * running + Momentum * batch.
/// </summary>
public readonly record struct BatchNormDescriptor(int N, int C, int Spatial, double Epsilon = 1e-5, double Momentum = 0.1)
{
    /// <summary>Elements of x.</summary>
    public long Length => (long)N * C * Spatial;

    /// <summary>Values reduced per channel.</summary>
    public long CountPerChannel => (long)N * Spatial;
}
