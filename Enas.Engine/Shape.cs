using System.Diagnostics;

namespace Enas.Engine;

/// <summary>
/// An immutable tensor shape of rank 0 to 6 (row-major). Value equality; prints as <c>[8, 16, 32, 32]</c>.
/// </summary>
[DebuggerDisplay("{ToString(),nq}")]
public readonly struct Shape : IEquatable<Shape>
{
    private readonly int[]? _dims;

    /// <summary>Creates a shape; every dimension must be &gt;= 0.</summary>
    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Length > 6) throw new ArgumentException($"rank {dims.Length} exceeds the maximum of 6");
        foreach (int d in dims)
            if (d < 0) throw new ArgumentException($"negative dimension in shape [{string.Join(", ", dims)}]");
        _dims = (int[])dims.Clone();
    }

    /// <summary>Creates a shape from a span.</summary>
    public Shape(ReadOnlySpan<int> dims) : this(dims.ToArray())
    {
    }

    /// <summary>The scalar shape [].</summary>
    public static Shape Scalar => new(Array.Empty<int>());

    /// <summary>Number of dimensions.</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>Size of dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    public int this[int axis] => Dims[axis < 0 ? axis + Rank : axis];

    /// <summary>The dimensions.</summary>
    public ReadOnlySpan<int> Dims => _dims ?? Array.Empty<int>();

    /// <summary>Product of the dimensions (1 for a scalar).</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (int d in Dims) n *= d;
            return n;
        }
    }

    /// <summary>A copy of the dimensions.</summary>
    public int[] ToArray() => Dims.ToArray();

    /// <summary>Elements per step of <paramref name="axis"/> (product of the later dimensions).</summary>
    public long StrideOf(int axis)
    {
        long s = 1;
        for (int i = Rank - 1; i > axis; i--) s *= Dims[i];
        return s;
    }

    /// <summary>NCHW view of a rank-4 shape.</summary>
    public void Deconstruct(out int n, out int c, out int h, out int w)
    {
        if (Rank != 4) throw new InvalidOperationException($"shape {this} is not rank 4 (NCHW)");
        (n, c, h, w) = (Dims[0], Dims[1], Dims[2], Dims[3]);
    }

    /// <inheritdoc />
    public bool Equals(Shape other) => Dims.SequenceEqual(other.Dims);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in Dims) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>Value equality.</summary>
    public static bool operator ==(Shape a, Shape b) => a.Equals(b);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);

    /// <summary>Shapes convert from int arrays.</summary>
    public static implicit operator Shape(int[] dims) => new(dims);

    /// <inheritdoc />
    public override string ToString() => "[" + string.Join(", ", _dims ?? Array.Empty<int>()) + "]";
}
