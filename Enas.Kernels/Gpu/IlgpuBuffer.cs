using ILGPU;
using ILGPU.Runtime;

namespace Enas.Kernels.Gpu;

/// <summary>
/// A buffer of the ILGPU backend: a rented block of device bytes (from the backend's size-bucketed pool) viewed as
/// Float32 or Int32 elements. Disposing returns the block to the pool; because the backend uses one in-order stream,
/// a block returned while a kernel that uses it is still queued is only reused by work queued after that kernel.
/// </summary>
public sealed class IlgpuBuffer : DeviceBuffer
{
    private readonly BufferPool<MemoryBuffer1D<byte, Stride1D.Dense>> _pool;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> _block;
    private readonly long _bucket;

    internal IlgpuBuffer(IlgpuBackend backend, BufferPool<MemoryBuffer1D<byte, Stride1D.Dense>> pool, DType dtype,
        long length) : base(backend, dtype, length)
    {
        _pool = pool;
        (_block, _bucket) = pool.Rent(length * dtype.SizeInBytes());
    }

    /// <summary>The block's bytes (bucket size, at least Length * element size).</summary>
    internal ArrayView<byte> Bytes
    {
        get
        {
            ThrowIfDisposed();
            return _block.View.AsContiguous();
        }
    }

    /// <summary>The elements as <typeparamref name="T"/> (exactly <see cref="DeviceBuffer.Length"/> of them).</summary>
    internal ArrayView<T> As<T>() where T : unmanaged => Bytes.Cast<T>().SubView(0, Length);

    /// <summary>Float32 view.</summary>
    internal ArrayView<float> F => As<float>();

    /// <summary>Int32 view (also used for bit-exact copies of Float32 data).</summary>
    internal ArrayView<int> I => As<int>();

    /// <inheritdoc />
    protected override void Release() => _pool.Return(_block, _bucket);
}
