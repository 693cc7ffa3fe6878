namespace Enas.Kernels;

/// <summary>
/// The highway transition of one element, written once for the CPU loops and the ILGPU kernels:
/// c = σ(g), f = TAct(u), y = p + c·(f − p) = c·f + (1 − c)·p, where g and u are the gate's and the candidate's
/// pre-activations and p the previous state. Backward: dg = dy·(f − p)·c·(1 − c), du = TAct.Backward(u, f, dy·c),
/// dp = dy·(1 − c). Everything is recomputed from g, u and p (nothing else is stored). Plain static methods with
/// scalar results (no tuples), so ILGPU compiles them.
/// </summary>
public static class HighwayMath
{
    /// <summary>y for one element.</summary>
    public static float Forward<TAct>(float g, float u, float p) where TAct : struct, IUnaryOp =>
        p + Sigmoid.Forward(g) * (TAct.Forward(u) - p);

    /// <summary>y for one element in double precision.</summary>
    public static double Forward<TAct>(double g, double u, double p) where TAct : struct, IUnaryOp =>
        p + Sigmoid.Forward(g) * (TAct.Forward(u) - p);

    /// <summary>dL/dg (gate pre-activation).</summary>
    public static float GateGradient<TAct>(float g, float u, float p, float dy) where TAct : struct, IUnaryOp
    {
        float c = Sigmoid.Forward(g);
        return dy * (TAct.Forward(u) - p) * c * (1f - c);
    }

    /// <summary>dL/dg in double precision.</summary>
    public static double GateGradient<TAct>(double g, double u, double p, double dy) where TAct : struct, IUnaryOp
    {
        double c = Sigmoid.Forward(g);
        return dy * (TAct.Forward(u) - p) * c * (1.0 - c);
    }

    /// <summary>dL/du (candidate pre-activation).</summary>
    public static float CandidateGradient<TAct>(float g, float u, float dy) where TAct : struct, IUnaryOp =>
        TAct.Backward(u, TAct.Forward(u), dy * Sigmoid.Forward(g));

    /// <summary>dL/du in double precision.</summary>
    public static double CandidateGradient<TAct>(double g, double u, double dy) where TAct : struct, IUnaryOp =>
        TAct.Backward(u, TAct.Forward(u), dy * Sigmoid.Forward(g));

    /// <summary>dL/dp (previous state).</summary>
    public static float PreviousGradient(float g, float dy) => dy * (1f - Sigmoid.Forward(g));

    /// <summary>dL/dp in double precision.</summary>
    public static double PreviousGradient(double g, double dy) => dy * (1.0 - Sigmoid.Forward(g));
}
