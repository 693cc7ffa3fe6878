using System.Numerics;

namespace Enas.Kernels;

/// <summary>
/// A size-bucketed free list of raw memory blocks for one backend. ENAS changes shapes every step, so without a
/// pool each step would go back to the allocator (on the CPU VM, first touch of fresh pages costs ~12 us per 4 KiB).
/// Sizes are rounded up to a power of two above 4 KiB (multiple of 4 KiB), so a block serves any smaller request in
/// its bucket. Thread-safe.
/// </summary>
/// <typeparam name="THandle">The backend's raw block type (a native pointer holder, an ILGPU buffer, ...).</typeparam>
public sealed class BufferPool<THandle> : IDisposable where THandle : class
{
    private readonly Func<long, THandle> _allocate;
    private readonly Action<THandle> _free;
    private readonly Dictionary<long, Stack<THandle>> _freeLists = new();
    private readonly object _gate = new();
    private long _liveBytes;
    private long _pooledBytes;
    private int _liveCount;
    private bool _disposed;

    /// <summary>Creates a pool that allocates blocks of a byte size with <paramref name="allocate"/>.</summary>
    public BufferPool(Func<long, THandle> allocate, Action<THandle> free)
    {
        _allocate = allocate;
        _free = free;
    }

    /// <summary>Blocks handed out and not yet returned.</summary>
    public int LiveCount { get { lock (_gate) return _liveCount; } }

    /// <summary>Bytes handed out and not yet returned (bucket sizes).</summary>
    public long LiveBytes { get { lock (_gate) return _liveBytes; } }

    /// <summary>Bytes held in free lists.</summary>
    public long PooledBytes { get { lock (_gate) return _pooledBytes; } }

    /// <summary>The bucket size that serves a request of <paramref name="bytes"/>.</summary>
    public static long BucketSize(long bytes)
    {
        if (bytes <= 256) return 256;
        if (bytes <= 4096) return (long)BitOperations.RoundUpToPowerOf2((ulong)bytes);
        // Above 4 KiB: power-of-two steps split into 4 sub-steps, to waste at most ~25%.
        long pow = (long)BitOperations.RoundUpToPowerOf2((ulong)bytes);
        long quarter = pow / 8;
        long size = pow / 2;
        while (size < bytes) size += quarter;
        return size;
    }

    /// <summary>Rents a block of at least <paramref name="bytes"/> bytes; returns it and its bucket size.</summary>
    public (THandle Block, long Bucket) Rent(long bytes)
    {
        long bucket = BucketSize(Math.Max(bytes, 1));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _liveCount++;
            _liveBytes += bucket;
            if (_freeLists.TryGetValue(bucket, out var stack) && stack.Count > 0)
            {
                _pooledBytes -= bucket;
                return (stack.Pop(), bucket);
            }
        }
        return (_allocate(bucket), bucket);
    }

    /// <summary>Returns a block rented with bucket size <paramref name="bucket"/>.</summary>
    public void Return(THandle block, long bucket)
    {
        lock (_gate)
        {
            _liveCount--;
            _liveBytes -= bucket;
            if (_disposed)
            {
                _free(block);
                return;
            }
            if (!_freeLists.TryGetValue(bucket, out var stack))
                _freeLists[bucket] = stack = new Stack<THandle>();
            stack.Push(block);
            _pooledBytes += bucket;
        }
    }

    /// <summary>Frees every pooled block (live blocks are freed when returned).</summary>
    public void Trim()
    {
        lock (_gate)
        {
            foreach (var stack in _freeLists.Values)
                while (stack.Count > 0) _free(stack.Pop());
            _pooledBytes = 0;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        Trim();
    }
}
