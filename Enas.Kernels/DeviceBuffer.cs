namespace Enas.Kernels;

/// <summary>
/// A block of device memory holding <see cref="Length"/> elements of <see cref="DType"/>. Buffers come from a
/// backend's <see cref="BufferPool{THandle}"/>; disposing returns the memory to the pool. Contents of a fresh buffer are
/// unspecified.
/// </summary>
public abstract class DeviceBuffer : IDisposable
{
    private int _disposed;

    /// <summary>Creates a buffer header.</summary>
    protected DeviceBuffer(IBackend backend, DType dtype, long length)
    {
        Backend = backend;
        DType = dtype;
        Length = length;
    }

    /// <summary>The backend that owns this memory.</summary>
    public IBackend Backend { get; }

    /// <summary>Element type.</summary>
    public DType DType { get; }

    /// <summary>Number of elements.</summary>
    public long Length { get; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Throws <see cref="ObjectDisposedException"/> if this buffer was returned to its pool.</summary>
    public void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);

    /// <summary>Returns the memory to the pool. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>Returns the underlying memory to the owner's pool.</summary>
    protected abstract void Release();

    /// <inheritdoc />
    public override string ToString() => $"{Backend.Name} buffer {DType.ShortName()}[{Length}]";
}
