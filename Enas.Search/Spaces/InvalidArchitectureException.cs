namespace Enas.Search.Spaces;

/// <summary>An architecture that does not belong to its search space (message names the position and allowed values).</summary>
public sealed class InvalidArchitectureException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidArchitectureException(string message, int position = -1) : base(message) => Position = position;

    /// <summary>Offending token position, or -1 when the problem is the length or the space.</summary>
    public int Position { get; }
}
