using System.Runtime.InteropServices;

namespace Enas.Search.Distributed;

/// <summary>Open MPI could not be loaded or started in a process that <c>mpirun</c> launched.</summary>
public sealed class MpiUnavailableException(string message) : Exception(message);

/// <summary>
/// <c>MPI_COMM_WORLD</c> of an Open MPI 4.x job, through function pointers into <see cref="LibraryName"/> resolved at
/// start (nothing is loaded before <see cref="Start"/>, which only <see cref="World.Join"/> calls under <c>mpirun</c>).
/// Open MPI's handles (the communicator, the datatypes, the sum) are the addresses of its exported globals
/// (<c>ompi_mpi_comm_world</c>, <c>ompi_mpi_float</c>, ...). MPI is initialised with <c>MPI_THREAD_SERIALIZED</c>: the
/// search may call from a thread other than the first, one call at a time. Buffers are host memory; each collective
/// is one MPI call per 2^30 elements. <see cref="Dispose"/> calls <c>MPI_Finalize</c>.
/// </summary>
public sealed unsafe class MpiCommunicator : ICommunicator
{
    /// <summary>The Open MPI 4.x shared library (Debian: <c>libopenmpi3</c>, pulled in by <c>openmpi-bin</c> and
    /// <c>libopenmpi-dev</c>).</summary>
    public const string LibraryName = "libmpi.so.40";

    private const int ThreadSerialized = 2; // MPI_THREAD_SERIALIZED in Open MPI's mpi.h
    private const int ChunkElements = 1 << 30;
    private static readonly nint InPlace = 1; // MPI_IN_PLACE in Open MPI's mpi.h

    private readonly nint _comm, _float, _double, _byte, _sum;
    private readonly delegate* unmanaged<nint, nint, int, nint, nint, nint, int> _allreduce;
    private readonly delegate* unmanaged<nint, int, nint, int, nint, int> _bcast;
    private readonly delegate* unmanaged<nint, int> _barrier;
    private readonly delegate* unmanaged<nint, int, int> _abort;
    private readonly delegate* unmanaged<int> _finalize;
    private bool _finalized;

    private MpiCommunicator(nint library)
    {
        nint Export(string name) => NativeLibrary.TryGetExport(library, name, out var address)
            ? address
            : throw new MpiUnavailableException($"{LibraryName} has no export '{name}': Enas needs Open MPI 4.x " +
                                                "(apt-get install -y openmpi-bin libopenmpi-dev); other MPI libraries are not supported");
        (_comm, _float, _double, _byte, _sum) = (Export("ompi_mpi_comm_world"), Export("ompi_mpi_float"), Export("ompi_mpi_double"),
            Export("ompi_mpi_byte"), Export("ompi_mpi_op_sum"));
        var init = (delegate* unmanaged<nint, nint, int, int*, int>)Export("MPI_Init_thread");
        var rank = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_rank");
        var size = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_size");
        _allreduce = (delegate* unmanaged<nint, nint, int, nint, nint, nint, int>)Export("MPI_Allreduce");
        _bcast = (delegate* unmanaged<nint, int, nint, int, nint, int>)Export("MPI_Bcast");
        _barrier = (delegate* unmanaged<nint, int>)Export("MPI_Barrier");
        _abort = (delegate* unmanaged<nint, int, int>)Export("MPI_Abort");
        _finalize = (delegate* unmanaged<int>)Export("MPI_Finalize");
        int provided, r, n;
        Check(init(0, 0, ThreadSerialized, &provided), "MPI_Init_thread");
        if (provided < ThreadSerialized)
            throw new MpiUnavailableException($"Open MPI provides thread level {provided}, and Enas needs MPI_THREAD_SERIALIZED ({ThreadSerialized})");
        Check(rank(_comm, &r), "MPI_Comm_rank");
        Check(size(_comm, &n), "MPI_Comm_size");
        (Rank, Size) = (r, n);
    }

    /// <summary>Loads <see cref="LibraryName"/>, initialises MPI and reads this process's rank and the job's size.</summary>
    /// <exception cref="MpiUnavailableException">The library cannot be loaded, is not Open MPI 4.x, or does not start.</exception>
    public static MpiCommunicator Start()
    {
        if (!NativeLibrary.TryLoad(LibraryName, out var library))
            throw new MpiUnavailableException($"this process runs under mpirun, but {LibraryName} (Open MPI 4.x) could not be loaded: " +
                                              "install it (apt-get install -y openmpi-bin libopenmpi-dev), or run without mpirun");
        return new MpiCommunicator(library);
    }

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int Size { get; }

    /// <inheritdoc />
    public void AllReduceSum(Span<float> values)
    {
        fixed (float* p = values) Chunked((nint)p, values.Length, sizeof(float), _float);
    }

    /// <inheritdoc />
    public void AllReduceSum(Span<double> values)
    {
        fixed (double* p = values) Chunked((nint)p, values.Length, sizeof(double), _double);
    }

    private void Chunked(nint data, int length, int elementSize, nint type)
    {
        ObjectDisposedException.ThrowIf(_finalized, this);
        for (int start = 0; start < length; start += ChunkElements)
        {
            int count = Math.Min(ChunkElements, length - start);
            Check(_allreduce(InPlace, data + (nint)start * elementSize, count, type, _sum, _comm), "MPI_Allreduce");
        }
    }

    /// <inheritdoc />
    public void Broadcast(Span<byte> bytes, int root = 0)
    {
        ObjectDisposedException.ThrowIf(_finalized, this);
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, Size);
        fixed (byte* p = bytes)
            for (int start = 0; start < bytes.Length; start += ChunkElements)
                Check(_bcast((nint)(p + start), Math.Min(ChunkElements, bytes.Length - start), _byte, root, _comm), "MPI_Bcast");
    }

    /// <inheritdoc />
    public void Barrier()
    {
        ObjectDisposedException.ThrowIf(_finalized, this);
        Check(_barrier(_comm), "MPI_Barrier");
    }

    /// <inheritdoc />
    public void AbortAll(int code)
    {
        if (!_finalized) _abort(_comm, code);
    }

    private static void Check(int code, string call)
    {
        if (code != 0) throw new MpiUnavailableException($"{call} failed with MPI error {code}");
    }

    /// <summary>Calls <c>MPI_Finalize</c> (once; the library stays loaded, as Open MPI cannot be started again).</summary>
    public void Dispose()
    {
        if (_finalized) return;
        _finalized = true;
        _finalize();
    }
}
