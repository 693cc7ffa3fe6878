namespace Enas.Engine.Nn;

/// <summary>
/// Fully connected layer: y [N, out] = x [N, in] @ Weight [in, out] + Bias [out]. Weight and bias are initialised
/// U(-1/sqrt(in), 1/sqrt(in)) from the given generator. Parameters are named "&lt;name&gt;.weight" and
/// "&lt;name&gt;.bias"; inside a parent they appear under the name the parent registers this module with.
/// </summary>
public sealed class Linear : Module, IForward
{
    /// <summary>Creates the layer (float32, on <paramref name="device"/> or the CPU).</summary>
    public Linear(string name, int inFeatures, int outFeatures, bool bias, Random rng, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
        Name = name;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        double bound = 1 / Math.Sqrt(inFeatures);
        var wShape = new Shape(inFeatures, outFeatures);
        Weight = RegisterParameter("weight",
            Parameter.Create<float>(name + ".weight", wShape, Init.Uniform(wShape, bound, rng), device));
        if (bias)
        {
            var bShape = new Shape(outFeatures);
            Bias = RegisterParameter("bias",
                Parameter.Create<float>(name + ".bias", bShape, Init.Uniform(bShape, bound, rng), device));
        }
    }

    /// <summary>Name given at construction.</summary>
    public string Name { get; }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>[in, out].</summary>
    public Parameter Weight { get; }

    /// <summary>[out], or null.</summary>
    public Parameter? Bias { get; }

    /// <summary>x [N, in] to [N, out].</summary>
    public Tensor Forward(Tensor x)
    {
        if (x.Shape.Rank != 2 || x.Shape[1] != InFeatures)
            throw new ShapeMismatchException("Linear",
                $"'{Name}' expects input [N, {InFeatures}], got {x.Shape}");
        var y = x.MatMul(Weight);
        return Bias is null ? y : y + Bias;
    }
}
