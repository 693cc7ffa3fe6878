using Enas.Engine;
using Enas.Kernels;

namespace Enas.Tests.Nn;

/// <summary>Parameters with hand-set gradients (no tape needed to test an optimiser step).</summary>
internal static class OptimizerTestHelpers
{
    public static Parameter Param(string name, DType dtype, params double[] values) => dtype == DType.Float64
        ? Parameter.Create<double>(name, new Shape(values.Length), values)
        : Parameter.Create<float>(name, new Shape(values.Length), Array.ConvertAll(values, v => (float)v));

    /// <summary>Replaces the parameter's gradient with <paramref name="values"/>.</summary>
    public static void SetGrad(Parameter p, params double[] values)
    {
        p.ZeroGrad();
        p.Grad = p.DType == DType.Float64
            ? Tensor.FromArray(values, p.Shape, persistent: true)
            : Tensor.FromArray(Array.ConvertAll(values, v => (float)v), p.Shape, persistent: true);
    }
}
