namespace Enas.Kernels;

// One struct per activation. Adding one here (plus a line in Tensor.Elementwise.cs and an OpCases entry) is all a
// new elementwise op costs: no backend edits.

/// <summary>max(x, 0); derivative 1 for x &gt; 0 else 0.</summary>
public readonly struct Relu : IUnaryOp
{
    public static string Name => "Relu";
    public static float Forward(float x) => x > 0f ? x : 0f;
    public static double Forward(double x) => x > 0.0 ? x : 0.0;
    public static float Backward(float x, float y, float dy) => x > 0f ? dy : 0f;
    public static double Backward(double x, double y, double dy) => x > 0.0 ? dy : 0.0;
}

/// <summary>x; derivative 1 (the ENAS recurrent cell's "identity" activation).</summary>
public readonly struct Identity : IUnaryOp
{
    public static string Name => "Identity";
    public static float Forward(float x) => x;
    public static double Forward(double x) => x;
    public static float Backward(float x, float y, float dy) => dy;
    public static double Backward(double x, double y, double dy) => dy;
}

/// <summary>tanh(x); derivative 1 - y^2.</summary>
public readonly struct Tanh : IUnaryOp
{
    public static string Name => "Tanh";
    public static float Forward(float x) => MathF.Tanh(x);
    public static double Forward(double x) => Math.Tanh(x);
    public static float Backward(float x, float y, float dy) => dy * (1f - y * y);
    public static double Backward(double x, double y, double dy) => dy * (1.0 - y * y);
}

/// <summary>1 / (1 + exp(-x)); derivative y (1 - y).</summary>
public readonly struct Sigmoid : IUnaryOp
{
    public static string Name => "Sigmoid";
    public static float Forward(float x) => 1f / (1f + MathF.Exp(-x));
    public static double Forward(double x) => 1.0 / (1.0 + Math.Exp(-x));
    public static float Backward(float x, float y, float dy) => dy * y * (1f - y);
    public static double Backward(double x, double y, double dy) => dy * y * (1.0 - y);
}

/// <summary>exp(x); derivative y.</summary>
public readonly struct Exp : IUnaryOp
{
    public static string Name => "Exp";
    public static float Forward(float x) => MathF.Exp(x);
    public static double Forward(double x) => Math.Exp(x);
    public static float Backward(float x, float y, float dy) => dy * y;
    public static double Backward(double x, double y, double dy) => dy * y;
}

/// <summary>Natural log; derivative 1 / x.</summary>
public readonly struct Log : IUnaryOp
{
    public static string Name => "Log";
    public static float Forward(float x) => MathF.Log(x);
    public static double Forward(double x) => Math.Log(x);
    public static float Backward(float x, float y, float dy) => dy / x;
    public static double Backward(double x, double y, double dy) => dy / x;
}

/// <summary>-x.</summary>
public readonly struct Negate : IUnaryOp
{
    public static string Name => "Negate";
    public static float Forward(float x) => -x;
    public static double Forward(double x) => -x;
    public static float Backward(float x, float y, float dy) => -dy;
    public static double Backward(double x, double y, double dy) => -dy;
}

/// <summary>x^2; derivative 2x.</summary>
public readonly struct Square : IUnaryOp
{
    public static string Name => "Square";
    public static float Forward(float x) => x * x;
    public static double Forward(double x) => x * x;
    public static float Backward(float x, float y, float dy) => 2f * x * dy;
    public static double Backward(double x, double y, double dy) => 2.0 * x * dy;
}
