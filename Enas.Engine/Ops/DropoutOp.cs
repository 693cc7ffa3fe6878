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
        int count = checked((int)x.ElementCount);
        double keep = 1.0 / (1.0 - p);
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = rng.NextDouble() < p ? 0.0 : keep;
        if (TensorScope.Current is not null) return x * Mask(x, values);
        // No scope (hence no tape): free the mask here and hand back a caller-owned result.
        using var scope = TensorScope.Begin();
        return (x * Mask(x, values)).Persist();
    }

    private static Tensor Mask(Tensor x, double[] values) => x.DType == DType.Float64
        ? Tensor.FromArray(values, x.Shape, x.Device)
        : Tensor.FromArray(Array.ConvertAll(values, v => (float)v), x.Shape, x.Device);
}
