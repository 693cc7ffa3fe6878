namespace Enas.Engine.Optim;

/// <summary>Gradient clipping by global L2 norm.</summary>
public static class GradClip
{
    /// <summary>
    /// Computes the L2 norm of all gradients together (parameters without a gradient are ignored) and, when it
    /// exceeds <paramref name="maxNorm"/>, scales every gradient in place by maxNorm / (norm + 1e-6). Returns the norm
    /// before clipping (0 when no parameter has a gradient). A NaN or infinite norm is returned as it is and nothing
    /// is scaled, so the caller can detect the blow-up and skip the step.
    /// </summary>
    public static double ClipGlobalNorm(IEnumerable<Parameter> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "needs maxNorm > 0");
        var withGrad = parameters.Select(p => p.Grad).OfType<Tensor>().ToList();
        double norm = Norm(withGrad);
        Scale(withGrad, norm, maxNorm);
        return norm;
    }

    /// <summary>The global L2 norm of the gradients (0 when none has one), accumulated in double on the host: one
    /// read per gradient, which synchronises on a GPU (see <see cref="SquaredNormOnDevice"/> for one read in all).</summary>
    public static double GlobalNorm(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Norm([.. parameters.Select(p => p.Grad).OfType<Tensor>()]);
    }

    private static double Norm(List<Tensor> grads)
    {
        double squared = 0;
        foreach (var g in grads) squared += g.Backend.SquaredNorm(g.Buffer, g.ElementCount);
        return Math.Sqrt(squared);
    }

    /// <summary>
    /// The squared global L2 norm of the gradients as a scalar tensor on their device, computed there (per-gradient
    /// sums of squares in float32, added up): nothing is read back, so a caller can fetch it with other values in one
    /// transfer and then call <see cref="ScaleToNorm"/>. Recorded on no tape; null when no parameter has a gradient.
    /// Inside a <see cref="TensorScope"/> (a tape is one) the result belongs to it; outside, to the caller.
    /// </summary>
    public static Tensor? SquaredNormOnDevice(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var noGrad = Autodiff.Tape.NoGrad();
        if (TensorScope.Current is not null) return SumOfSquares(parameters);
        using var scope = TensorScope.Begin();
        return SumOfSquares(parameters)?.Persist();
    }

    private static Tensor? SumOfSquares(IEnumerable<Parameter> parameters)
    {
        Tensor? total = null;
        foreach (var p in parameters)
        {
            if (p.Grad is not { } g) continue;
            var s = g.Square().Sum();
            total = total is null ? s : total + s;
        }
        return total;
    }

    /// <summary>
    /// The second half of <see cref="ClipGlobalNorm"/> for a norm computed elsewhere (e.g. from
    /// <see cref="SquaredNormOnDevice"/>): scales every gradient by maxNorm / (norm + 1e-6) when the finite
    /// <paramref name="norm"/> exceeds <paramref name="maxNorm"/>; otherwise leaves them as they are.
    /// </summary>
    public static void ScaleToNorm(IEnumerable<Parameter> parameters, double norm, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "needs maxNorm > 0");
        Scale([.. parameters.Select(p => p.Grad).OfType<Tensor>()], norm, maxNorm);
    }

    private static void Scale(List<Tensor> grads, double norm, double maxNorm)
    {
        if (!double.IsFinite(norm) || norm <= maxNorm) return;
        double scale = maxNorm / (norm + 1e-6);
        foreach (var g in grads) g.Backend.ScaleShift(g.Buffer, g.Buffer, g.ElementCount, scale, 0);
    }
}
