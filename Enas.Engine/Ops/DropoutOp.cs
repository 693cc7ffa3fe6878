using Enas.Kernels;

namespace Enas.Engine.Ops;

/// <summary>
/// Inverted dropout: y = x * mask with mask elements 0 (probability p) or 1 / (1 - p), drawn on the host from the
/// caller's Random and uploaded. A composite of one broadcast-free multiply, whose backward multiplies by the mask.
/// </summary>
internal static class DropoutOp
{
    public static Tensor Apply(Tensor x, double p, Random rng, bool training)
    {
        ArgumentNullException.ThrowIfNull(rng);
        OpChecks.SameDeviceAndFloat("Dropout", x);
        if (!(p >= 0 && p < 1))
            throw new ArgumentOutOfRangeException(nameof(p), $"Dropout: probability {p} must be in [0, 1)");
        if (!training || p == 0) return x;
        if (TensorScope.Current is not null) return x * Mask(x.Shape, p, rng, x.DType, x.Device);
        // No scope (hence no tape): free the mask here and hand back a caller-owned result.
        using var scope = TensorScope.Begin();
        return (x * Mask(x.Shape, p, rng, x.DType, x.Device)).Persist();
    }

    /// <summary>The mask alone (what <see cref="Apply"/> multiplies by, from the same draws): one upload, no kernel.</summary>
    public static Tensor Mask(Shape shape, double p, Random rng, DType dtype, Device device)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(p >= 0 && p < 1))
            throw new ArgumentOutOfRangeException(nameof(p), $"DropoutMask: probability {p} must be in [0, 1)");
        return Upload(Draw(shape.ElementCount, p, rng), shape, dtype, device);
    }

    private static double[] Draw(long elements, double p, Random rng)
    {
        int count = checked((int)elements);
        double keep = 1.0 / (1.0 - p);
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = rng.NextDouble() < p ? 0.0 : keep;
        return values;
    }

    private static Tensor Upload(double[] values, Shape shape, DType dtype, Device device) => dtype == DType.Float64
        ? Tensor.FromArray(values, shape, device)
        : Tensor.FromArray(Array.ConvertAll(values, v => (float)v), shape, device);
}
