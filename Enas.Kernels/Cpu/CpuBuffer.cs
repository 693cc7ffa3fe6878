using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Enas.Kernels.Cpu;

/// <summary>A 64-byte aligned native memory block owned by the CPU buffer pool.</summary>
internal sealed unsafe class NativeBlock
{
    public NativeBlock(long bytes)
    {
        Pointer = NativeMemory.AlignedAlloc((nuint)bytes, 64);
        Bytes = bytes;
    }

    public void* Pointer { get; }

    public long Bytes { get; }

    public void Free() => NativeMemory.AlignedFree(Pointer);
}

/// <summary>A CPU buffer: a rented 64-byte aligned native block viewed as a span.</summary>
public sealed unsafe class CpuBuffer : DeviceBuffer
{
    private readonly BufferPool<NativeBlock> _pool;
    private readonly NativeBlock _block;
    private readonly long _bucket;

    internal CpuBuffer(CpuBackend backend, BufferPool<NativeBlock> pool, DType dtype, long length)
        : base(backend, dtype, length)
    {
        _pool = pool;
        (_block, _bucket) = pool.Rent(length * dtype.SizeInBytes());
    }

    /// <summary>Start of the memory.</summary>
    public void* Pointer
    {
        get
        {
            ThrowIfDisposed();
            return _block.Pointer;
        }
    }

    /// <summary>The whole buffer as a span of <typeparamref name="T"/> (must match the dtype's size).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        ThrowIfDisposed();
        return new Span<T>(_block.Pointer, checked((int)(Length * DType.SizeInBytes() / sizeof(T))));
    }

    /// <inheritdoc />
    protected override void Release() => _pool.Return(_block, _bucket);
}
