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
        var withGrad = new List<Tensor>();
        double squared = 0;
        foreach (var p in parameters)
        {
            if (p.Grad is not { } g) continue;
            withGrad.Add(g);
            squared += g.Backend.SquaredNorm(g.Buffer, g.ElementCount);
        }
        double norm = Math.Sqrt(squared);
        if (!double.IsFinite(norm) || norm <= maxNorm) return norm;
        double scale = maxNorm / (norm + 1e-6);
        foreach (var g in withGrad) g.Backend.ScaleShift(g.Buffer, g.Buffer, g.ElementCount, scale, 0);
        return norm;
    }
}
