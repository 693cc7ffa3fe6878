using ILGPU;

namespace Enas.Kernels.Gpu.Kernels;

/// <summary>
/// Highway gate kernels, one thread per element of the [rows, hidden] state (i = r·hidden + j); the math is
/// <see cref="HighwayMath"/>, shared with the CPU backend. pre is [rows, 2·hidden]: gate half then candidate half.
/// </summary>
internal static class HighwayKernels
{
    /// <summary>y[i] = highway(pre gate, pre candidate, prev[i]).</summary>
    public static void Forward<TAct>(Index1D i, int hidden, ArrayView<float> pre, ArrayView<float> prev,
        ArrayView<float> y) where TAct : struct, IUnaryOp
    {
        int r = i / hidden, gi = r * 2 * hidden + i - r * hidden;
        y[i] = HighwayMath.Forward<TAct>(pre[gi], pre[gi + hidden], prev[i]);
    }

    /// <summary>dpre for both halves of element i.</summary>
    public static void BackwardPre<TAct>(Index1D i, int hidden, ArrayView<float> pre, ArrayView<float> prev,
        ArrayView<float> dy, ArrayView<float> dpre) where TAct : struct, IUnaryOp
    {
        int r = i / hidden, gi = r * 2 * hidden + i - r * hidden;
        dpre[gi] = HighwayMath.GateGradient<TAct>(pre[gi], pre[gi + hidden], prev[i], dy[i]);
        dpre[gi + hidden] = HighwayMath.CandidateGradient<TAct>(pre[gi], pre[gi + hidden], dy[i]);
    }

    /// <summary>dprev[i].</summary>
    public static void BackwardPrev(Index1D i, int hidden, ArrayView<float> pre, ArrayView<float> dy,
        ArrayView<float> dprev)
    {
        int r = i / hidden, gi = r * 2 * hidden + i - r * hidden;
        dprev[i] = HighwayMath.PreviousGradient(pre[gi], dy[i]);
    }
}
