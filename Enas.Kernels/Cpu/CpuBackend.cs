using System.Runtime.InteropServices;

namespace Enas.Kernels.Cpu;

/// <summary>
/// The managed SIMD CPU backend: the only training path on machines without a GPU. Kernel families live in partial
/// files (CpuBackend.Elementwise.cs, CpuBackend.Conv.cs, ...). Float64 is supported everywhere for gradient checks.
/// All calls are synchronous.
/// </summary>
public sealed partial class CpuBackend : IBackend
{
    private readonly BufferPool<NativeBlock> _pool = new(bytes => new NativeBlock(bytes), block => block.Free());

    /// <summary>The process-wide CPU backend.</summary>
    public static CpuBackend Instance { get; } = new();

    /// <inheritdoc />
    public DeviceKind Kind => DeviceKind.Cpu;

    /// <inheritdoc />
    public int Ordinal => 0;

    /// <inheritdoc />
    public string Name => "cpu";

    /// <inheritdoc />
    public bool SupportsFloat64 => true;

    /// <inheritdoc />
    public int LiveBufferCount => _pool.LiveCount;

    /// <inheritdoc />
    public long LiveBytes => _pool.LiveBytes;

    /// <inheritdoc />
    public DeviceBuffer Allocate(DType dtype, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new CpuBuffer(this, _pool, dtype, length);
    }

    /// <inheritdoc />
    public void Upload<T>(ReadOnlySpan<T> source, DeviceBuffer destination, long destinationOffset = 0)
        where T : unmanaged
    {
        CheckElementType<T>(destination);
        source.CopyTo(View<T>(destination).Slice(checked((int)destinationOffset)));
    }

    /// <inheritdoc />
    public void Download<T>(DeviceBuffer source, Span<T> destination, long sourceOffset = 0) where T : unmanaged
    {
        CheckElementType<T>(source);
        View<T>(source).Slice(checked((int)sourceOffset), destination.Length).CopyTo(destination);
    }

    /// <inheritdoc />
    public void Synchronize()
    {
    }

    /// <inheritdoc />
    public void Fill(DeviceBuffer buffer, long offset, long count, double value)
    {
        using var profile = Diagnostics.KernelEvents.Scope("Fill", count);
        int o = checked((int)offset), n = checked((int)count);
        switch (buffer.DType)
        {
            case DType.Float32: View<float>(buffer).Slice(o, n).Fill((float)value); break;
            case DType.Float64: View<double>(buffer).Slice(o, n).Fill(value); break;
            case DType.Int32: View<int>(buffer).Slice(o, n).Fill((int)value); break;
        }
    }

    /// <inheritdoc />
    public void CopyStrided(in StridedCopyDescriptor d, DeviceBuffer source, DeviceBuffer destination)
    {
        using var profile = Diagnostics.KernelEvents.Scope("CopyStrided", d);
        switch (source.DType)
        {
            case DType.Float64: CopyStrided<double>(d, source, destination); break;
            default: CopyStrided<float>(d, source, destination); break; // Float32 and Int32 have the same size
        }
    }

    private static void CopyStrided<T>(StridedCopyDescriptor d, DeviceBuffer source, DeviceBuffer destination)
        where T : unmanaged
    {
        var src = View<T>(source);
        var dst = View<T>(destination);
        int len = checked((int)d.RowLength);
        for (long r = 0; r < d.Rows; r++)
        {
            src.Slice(checked((int)(d.SourceOffset + r * d.SourceStride)), len)
                .CopyTo(dst.Slice(checked((int)(d.DestinationOffset + r * d.DestinationStride)), len));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The process-wide instance lives as long as the process; pooled blocks are returned to the OS here.
        _pool.Trim();
    }

    /// <summary>Frees pooled (unused) memory.</summary>
    public void TrimPool() => _pool.Trim();

    /// <summary>The buffer's memory as a span of <typeparamref name="T"/>.</summary>
    internal static Span<T> View<T>(DeviceBuffer buffer) where T : unmanaged => ((CpuBuffer)buffer).AsSpan<T>();

    private static void CheckElementType<T>(DeviceBuffer buffer) where T : unmanaged
    {
        if (DTypeExtensions.Of<T>() != buffer.DType)
            throw new ArgumentException(
                $"element type {typeof(T).Name} does not match buffer dtype {buffer.DType.ShortName()}");
    }

    /// <summary>Reinterprets a span (used by generic kernels that branch on typeof(T)).</summary>
    internal static Span<TTo> Cast<TFrom, TTo>(Span<TFrom> span) where TFrom : struct where TTo : struct =>
        MemoryMarshal.Cast<TFrom, TTo>(span);
}
