using Enas.Engine;

namespace Enas.Search.Network.Recurrent;

/// <summary>
/// Caps the L2 norm of every row of a hidden state: h_b ← h_b · min(1, c / ‖h_b‖). Cells with identity or ReLU
/// edges are linear or unbounded, so 35 steps of a 12-node chain can overflow float32 (the shared weights then
/// receive infinite losses); ENAS-pytorch clips the hidden norm to 25 for the same reason. The factor is treated as
/// a constant in the backward pass (like gradient clipping), so rows under the cap are untouched, gradients too.
/// </summary>
public static class HiddenNormClip
{
    /// <summary>Default cap: 25, as ENAS-pytorch. A tanh/sigmoid state of hidden size H has norm at most √H.</summary>
    public const double DefaultMaxNorm = 25;

    /// <summary>Returns <paramref name="h"/> [B, H] with rows longer than <paramref name="maxNorm"/> scaled down to
    /// it; <paramref name="h"/> itself when <paramref name="maxNorm"/> is 0 or less (clipping off).</summary>
    public static Tensor Apply(Tensor h, double maxNorm)
    {
        if (maxNorm <= 0) return h;
        if (h.Shape.Rank != 2) throw new ArgumentException($"hidden-norm clip wants a [B, H] state, got {h.Shape}");
        Tensor factor;
        using (Engine.Autodiff.Tape.NoGrad())
        {
            // min(1, c/‖h‖) = 1 − relu(1 − exp(ln c − ½ ln ‖h‖²)), from ops every backend has
            var ratio = h.Square().Sum(1, 1, keepDims: true).ScaleShift(1, 1e-30).Log().ScaleShift(-0.5, Math.Log(maxNorm)).Exp();
            factor = ratio.ScaleShift(-1, 1).Relu().ScaleShift(-1, 1);
        }
        return h * factor;
    }
}
