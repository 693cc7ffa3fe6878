namespace Enas.Kernels;

/// <summary>
/// An elementwise function written once and called by both the CPU loops and the ILGPU kernels. Implementations are
/// empty readonly structs with static members only (legal inside ILGPU kernels: no classes, no exceptions).
/// </summary>
public interface IUnaryOp
{
    /// <summary>Name used in messages and profiling events.</summary>
    static abstract string Name { get; }

    /// <summary>y = f(x).</summary>
    static abstract float Forward(float x);

    /// <summary>y = f(x) in double precision (gradient checks).</summary>
    static abstract double Forward(double x);

    /// <summary>dx = dy * f'(x), given x and y = f(x) (use whichever is cheaper).</summary>
    static abstract float Backward(float x, float y, float dy);

    /// <summary>dx = dy * f'(x) in double precision.</summary>
    static abstract double Backward(double x, double y, double dy);
}

/// <summary>An elementwise function of two operands, written once for CPU loops and ILGPU kernels.</summary>
public interface IBinaryOp
{
    /// <summary>Name used in messages and profiling events.</summary>
    static abstract string Name { get; }

    /// <summary>c = f(a, b).</summary>
    static abstract float Forward(float a, float b);

    /// <summary>c = f(a, b) in double precision.</summary>
    static abstract double Forward(double a, double b);

    /// <summary>dc * df/da.</summary>
    static abstract float BackwardA(float a, float b, float dc);

    /// <summary>dc * df/da in double precision.</summary>
    static abstract double BackwardA(double a, double b, double dc);

    /// <summary>dc * df/db.</summary>
    static abstract float BackwardB(float a, float b, float dc);

    /// <summary>dc * df/db in double precision.</summary>
    static abstract double BackwardB(double a, double b, double dc);
}
