using Enas.Engine.Ops;
using Enas.Kernels;

namespace Enas.Engine;

public partial class Tensor
{
    /// <summary>max(x, 0).</summary>
    public Tensor Relu() => UnaryOp<Kernels.Relu>.Apply(this);

    /// <summary>tanh(x).</summary>
    public Tensor Tanh() => UnaryOp<Kernels.Tanh>.Apply(this);

    /// <summary>logistic sigmoid.</summary>
    public Tensor Sigmoid() => UnaryOp<Kernels.Sigmoid>.Apply(this);

    /// <summary>exp(x).</summary>
    public Tensor Exp() => UnaryOp<Kernels.Exp>.Apply(this);

    /// <summary>Natural log.</summary>
    public Tensor Log() => UnaryOp<Kernels.Log>.Apply(this);

    /// <summary>x^2.</summary>
    public Tensor Square() => UnaryOp<Kernels.Square>.Apply(this);

    /// <summary>Applies any elementwise op struct.</summary>
    public Tensor Map<TOp>() where TOp : struct, IUnaryOp => UnaryOp<TOp>.Apply(this);

    /// <summary>alpha * x + beta.</summary>
    public Tensor ScaleShift(double alpha, double beta = 0) => ScaleShiftOp.Apply(this, alpha, beta);

    /// <summary>Broadcasting add.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => BinaryOp<Add>.Apply(a, b);

    /// <summary>Broadcasting subtract.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => BinaryOp<Subtract>.Apply(a, b);

    /// <summary>Broadcasting multiply.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => BinaryOp<Multiply>.Apply(a, b);

    /// <summary>Broadcasting divide.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => BinaryOp<Divide>.Apply(a, b);

    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => UnaryOp<Negate>.Apply(a);

    /// <summary>Multiply by a constant.</summary>
    public static Tensor operator *(Tensor a, double s) => ScaleShiftOp.Apply(a, s, 0);

    /// <summary>Multiply by a constant.</summary>
    public static Tensor operator *(double s, Tensor a) => ScaleShiftOp.Apply(a, s, 0);

    /// <summary>Add a constant.</summary>
    public static Tensor operator +(Tensor a, double s) => ScaleShiftOp.Apply(a, 1, s);

    /// <summary>Subtract from a constant: s - a.</summary>
    public static Tensor operator -(double s, Tensor a) => ScaleShiftOp.Apply(a, -1, s);
}
