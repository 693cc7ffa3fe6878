namespace Enas.Kernels;

/// <summary>a + b.</summary>
public readonly struct Add : IBinaryOp
{
    public static string Name => "Add";
    public static float Forward(float a, float b) => a + b;
    public static double Forward(double a, double b) => a + b;
    public static float BackwardA(float a, float b, float dc) => dc;
    public static double BackwardA(double a, double b, double dc) => dc;
    public static float BackwardB(float a, float b, float dc) => dc;
    public static double BackwardB(double a, double b, double dc) => dc;
}

/// <summary>a - b.</summary>
public readonly struct Subtract : IBinaryOp
{
    public static string Name => "Subtract";
    public static float Forward(float a, float b) => a - b;
    public static double Forward(double a, double b) => a - b;
    public static float BackwardA(float a, float b, float dc) => dc;
    public static double BackwardA(double a, double b, double dc) => dc;
    public static float BackwardB(float a, float b, float dc) => -dc;
    public static double BackwardB(double a, double b, double dc) => -dc;
}

/// <summary>a * b.</summary>
public readonly struct Multiply : IBinaryOp
{
    public static string Name => "Multiply";
    public static float Forward(float a, float b) => a * b;
    public static double Forward(double a, double b) => a * b;
    public static float BackwardA(float a, float b, float dc) => dc * b;
    public static double BackwardA(double a, double b, double dc) => dc * b;
    public static float BackwardB(float a, float b, float dc) => dc * a;
    public static double BackwardB(double a, double b, double dc) => dc * a;
}

/// <summary>a / b.</summary>
public readonly struct Divide : IBinaryOp
{
    public static string Name => "Divide";
    public static float Forward(float a, float b) => a / b;
    public static double Forward(double a, double b) => a / b;
    public static float BackwardA(float a, float b, float dc) => dc / b;
    public static double BackwardA(double a, double b, double dc) => dc / b;
    public static float BackwardB(float a, float b, float dc) => -dc * a / (b * b);
    public static double BackwardB(double a, double b, double dc) => -dc * a / (b * b);
}
