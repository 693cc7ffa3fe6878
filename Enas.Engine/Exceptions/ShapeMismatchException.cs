namespace Enas.Engine;

/// <summary>An op received tensors whose shapes do not fit; the message names the op and the shapes.</summary>
public sealed class ShapeMismatchException : ArgumentException
{
    /// <summary>Creates the exception; the message is "<paramref name="op"/>: <paramref name="detail"/>".</summary>
    public ShapeMismatchException(string op, string detail) : base($"{op}: {detail}")
    {
        Op = op;
    }

    /// <summary>The op that refused its inputs.</summary>
    public string Op { get; }
}

/// <summary>An op received tensors on different devices.</summary>
public sealed class DeviceMismatchException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public DeviceMismatchException(string op, string detail) : base($"{op}: {detail}")
    {
    }
}

/// <summary>An op received tensors of different or unsupported element types.</summary>
public sealed class DTypeMismatchException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public DTypeMismatchException(string op, string detail) : base($"{op}: {detail}")
    {
    }
}
