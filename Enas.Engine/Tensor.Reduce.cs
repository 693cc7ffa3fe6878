using Enas.Engine.Ops;
using Enas.Kernels;

namespace Enas.Engine;

public partial class Tensor
{
    /// <summary>Sum of all elements (scalar).</summary>
    public Tensor Sum() => ReduceOp.Apply(this, ReduceKind.Sum, 0, -1, keepDims: false);

    /// <summary>Mean of all elements (scalar).</summary>
    public Tensor Mean() => ReduceOp.Apply(this, ReduceKind.Mean, 0, -1, keepDims: false);

    /// <summary>Sum over axes [first, last] (inclusive; negative counts from the end).</summary>
    public Tensor Sum(int firstAxis, int lastAxis, bool keepDims = false) =>
        ReduceOp.Apply(this, ReduceKind.Sum, firstAxis, lastAxis, keepDims);

    /// <summary>Mean over axes [first, last].</summary>
    public Tensor Mean(int firstAxis, int lastAxis, bool keepDims = false) =>
        ReduceOp.Apply(this, ReduceKind.Mean, firstAxis, lastAxis, keepDims);

    /// <summary>Maximum over axes [first, last].</summary>
    public Tensor Max(int firstAxis, int lastAxis, bool keepDims = false) =>
        ReduceOp.Apply(this, ReduceKind.Max, firstAxis, lastAxis, keepDims);
}
