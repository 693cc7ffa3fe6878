namespace Enas.Kernels;

/// <summary>Which reduction.</summary>
public enum ReduceKind
{
    /// <summary>Sum.</summary>
    Sum,
    /// <summary>Arithmetic mean.</summary>
    Mean,
    /// <summary>Maximum (backward routes the gradient to the first maximum).</summary>
    Max,
}

/// <summary>
/// Reduction of x viewed as [Outer, Reduced, Inner] over the middle axis, giving y [Outer, Inner]. Any reduction of
/// a contiguous range of axes of a dense tensor has this form.
/// </summary>
public readonly record struct ReduceDescriptor(ReduceKind Kind, long Outer, long Reduced, long Inner)
{
    /// <summary>Elements of x.</summary>
    public long InputLength => Outer * Reduced * Inner;

    /// <summary>Elements of y.</summary>
    public long OutputLength => Outer * Inner;
}
