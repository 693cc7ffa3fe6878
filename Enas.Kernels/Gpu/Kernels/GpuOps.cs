using ILGPU.Algorithms;

namespace Enas.Kernels.Gpu.Kernels;

/// <summary>
/// tanh for the GPU. ILGPU 1.5.3 compiles MathF.Tanh to PTX <c>tanh.approx.f32</c> (relative error up to ~5e-4),
/// which would make the CUDA backend silently disagree with the CPU one; this version stays within a few float ulps:
/// an odd Taylor polynomial for |x| &lt; 0.1 and (1 - e) / (1 + e) with e = exp(-2|x|) above. No CopySign (ILGPU
/// #1361). The backend substitutes it for <see cref="Tanh"/>; the backward pass is Tanh's (it only uses y).
/// </summary>
internal readonly struct GpuTanh : IUnaryOp
{
    public static string Name => "Tanh";

    public static float Forward(float x)
    {
        float ax = x < 0f ? -x : x;
        float t;
        if (ax < 0.1f)
        {
            float x2 = ax * ax;
            t = ax * (1f + x2 * (-1f / 3f + x2 * (2f / 15f + x2 * (-17f / 315f))));
        }
        else
        {
            float e = XMath.Exp(-2f * ax);
            t = (1f - e) / (1f + e);
        }
        return x < 0f ? -t : t;
    }

    public static double Forward(double x) => Math.Tanh(x);

    public static float Backward(float x, float y, float dy) => Tanh.Backward(x, y, dy);

    public static double Backward(double x, double y, double dy) => Tanh.Backward(x, y, dy);
}
