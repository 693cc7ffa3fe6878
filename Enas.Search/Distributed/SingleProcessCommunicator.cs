namespace Enas.Search.Distributed;

/// <summary>The only process of a run started without <c>mpirun</c>: rank 0 of 1, so every collective leaves its
/// buffer as it is and no MPI library is loaded.</summary>
public sealed class SingleProcessCommunicator : ICommunicator
{
    /// <summary>The shared instance (it holds nothing).</summary>
    public static SingleProcessCommunicator Instance { get; } = new();

    /// <inheritdoc />
    public int Rank => 0;

    /// <inheritdoc />
    public int Size => 1;

    /// <inheritdoc />
    public void AllReduceSum(Span<float> values)
    {
    }

    /// <inheritdoc />
    public void AllReduceSum(Span<double> values)
    {
    }

    /// <inheritdoc />
    public void Broadcast(Span<byte> bytes, int root = 0) => ArgumentOutOfRangeException.ThrowIfNotEqual(root, 0);

    /// <inheritdoc />
    public void Barrier()
    {
    }

    /// <inheritdoc />
    public void AbortAll(int code)
    {
    }

    /// <summary>Nothing to free.</summary>
    public void Dispose()
    {
    }
}
