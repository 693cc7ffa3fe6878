namespace Enas.Search.Distributed;

/// <summary>
/// The processes of one job and the collective operations the data-parallel search needs: every call is collective
/// (all ranks make it, in the same order, with buffers of the same length), and blocks until its result is in.
/// <see cref="SingleProcessCommunicator"/> is the one process of a run started without <c>mpirun</c>;
/// <see cref="MpiCommunicator"/> is an Open MPI job (<c>MPI_COMM_WORLD</c>).
/// </summary>
public interface ICommunicator : IDisposable
{
    /// <summary>This process's rank, 0 .. <see cref="Size"/> - 1 (rank 0 writes the run's files and prints).</summary>
    int Rank { get; }

    /// <summary>The number of processes.</summary>
    int Size { get; }

    /// <summary>Replaces <paramref name="values"/> on every rank by the element-wise sum over all ranks (float32).</summary>
    void AllReduceSum(Span<float> values);

    /// <summary>Replaces <paramref name="values"/> on every rank by the element-wise sum over all ranks (float64).</summary>
    void AllReduceSum(Span<double> values);

    /// <summary>Overwrites <paramref name="bytes"/> on every rank with rank <paramref name="root"/>'s bytes.</summary>
    void Broadcast(Span<byte> bytes, int root = 0);

    /// <summary>Returns once every rank has called it.</summary>
    void Barrier();

    /// <summary>Stops every rank of the job with exit code <paramref name="code"/> (<c>mpirun</c> reports it and
    /// returns it). A single process returns, and its caller exits with the code itself.</summary>
    void AbortAll(int code);
}
