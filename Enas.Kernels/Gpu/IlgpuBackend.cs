using System.Runtime.InteropServices;
using Enas.Kernels.Diagnostics;
using Enas.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Enas.Kernels.Gpu;

/// <summary>
/// The ILGPU backend: every <see cref="IBackend"/> kernel family as ILGPU kernels on one accelerator (CUDA at run
/// time; ILGPU's CPU accelerator in tests only). Float32 data and Int32 indices; Float64 throws
/// <see cref="NotSupportedException"/>. All launches go asynchronously to one in-order stream; only
/// <see cref="Download{T}"/>, <see cref="SquaredNorm"/> and <see cref="Synchronize"/> wait. Kernels are compiled
/// lazily on first use and cached per accelerator (<see cref="KernelCache"/>). Kernel families live in partial
/// files (IlgpuBackend.Elementwise.cs, ...), their kernels in Gpu/Kernels/*.cs.
/// </summary>
public sealed partial class IlgpuBackend : IBackend
{
    private readonly Context? _ownedContext;
    private readonly Accelerator _accelerator;
    private readonly AcceleratorStream _stream;
    private readonly BufferPool<MemoryBuffer1D<byte, Stride1D.Dense>> _pool;
    private readonly KernelCache _kernels;
    private IlgpuLaunchOptions _options;
    private bool _disposed;

    /// <summary>Creates a backend over <paramref name="accelerator"/>; it owns the accelerator (and the context
    /// when <paramref name="ownedContext"/> is given) and disposes them.</summary>
    internal IlgpuBackend(Accelerator accelerator, DeviceKind kind, int ordinal, IlgpuLaunchOptions options,
        Context? ownedContext = null)
    {
        _accelerator = accelerator;
        _ownedContext = ownedContext;
        _options = options;
        Kind = kind;
        Ordinal = ordinal;
        string prefix = kind == DeviceKind.Cuda ? "cuda" : "ilgpu-cpu";
        Name = $"{prefix}:{ordinal} ({accelerator.Name})";
        ShortName = $"{prefix}:{ordinal}";
        _stream = accelerator.CreateStream();
        _pool = new BufferPool<MemoryBuffer1D<byte, Stride1D.Dense>>(
            bytes => _accelerator.Allocate1D<byte>(bytes), block => block.Dispose());
        _kernels = new KernelCache(accelerator);
    }

    /// <inheritdoc />
    public DeviceKind Kind { get; }

    /// <inheritdoc />
    public int Ordinal { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Name without the device model, e.g. "cuda:0" (profiling events).</summary>
    public string ShortName { get; }

    /// <summary>The launch configuration in use (tests switch it; kernels do not depend on it at compile time).</summary>
    public IlgpuLaunchOptions Options
    {
        get => _options;
        internal set => _options = value;
    }

    /// <summary>The ILGPU accelerator (for diagnostics and benchmarks).</summary>
    internal Accelerator Accelerator => _accelerator;

    /// <inheritdoc />
    public bool SupportsFloat64 => false;

    /// <inheritdoc />
    public int LiveBufferCount => _pool.LiveCount;

    /// <inheritdoc />
    public long LiveBytes => _pool.LiveBytes;

    /// <inheritdoc />
    public DeviceBuffer Allocate(DType dtype, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (dtype == DType.Float64)
            throw new NotSupportedException(
                $"{ShortName}: the ILGPU backend stores Float32 and Int32 only; Float64 (used for gradient checks) " +
                "exists on the CPU backend");
        if (length > int.MaxValue)
            throw new NotSupportedException($"{ShortName}: buffers are limited to {int.MaxValue} elements, got {length}");
        return new IlgpuBuffer(this, _pool, dtype, length);
    }

    /// <inheritdoc />
    public void Upload<T>(ReadOnlySpan<T> source, DeviceBuffer destination, long destinationOffset = 0)
        where T : unmanaged
    {
        CheckElementType<T>(destination);
        if (source.IsEmpty) return;
        var view = Buf(destination).As<T>().SubView(destinationOffset, source.Length);
        view.CopyFromCPU(_stream, ref MemoryMarshal.GetReference(source), source.Length);
    }

    /// <inheritdoc />
    public void Download<T>(DeviceBuffer source, Span<T> destination, long sourceOffset = 0) where T : unmanaged
    {
        CheckElementType<T>(source);
        using var sync = KernelEvents.Sync("Download", ShortName);
        if (destination.IsEmpty)
        {
            _stream.Synchronize();
            return;
        }
        var view = Buf(source).As<T>().SubView(sourceOffset, destination.Length);
        view.CopyToCPU(_stream, ref MemoryMarshal.GetReference(destination), destination.Length);
        _stream.Synchronize();
    }

    /// <inheritdoc />
    public void Synchronize()
    {
        using var sync = KernelEvents.Sync("Synchronize", ShortName);
        _stream.Synchronize();
    }

    /// <summary>Compiles every non-generic kernel now (benchmarks call this so compile time is not timed).</summary>
    public void Preload() => PreloadKernels();

    /// <inheritdoc />
    public void Fill(DeviceBuffer buffer, long offset, long count, double value)
    {
        if (count <= 0) return;
        using var scope = KernelEvents.Scope("Fill", count, ShortName);
        var b = Buf(buffer);
        if (buffer.DType == DType.Int32)
            FillIntKernel(_stream, (int)count, b.I.SubView(offset, count), (int)value);
        else
            FillFloatKernel(_stream, (int)count, b.F.SubView(offset, count), (float)value);
    }

    /// <inheritdoc />
    public void CopyStrided(in StridedCopyDescriptor descriptor, DeviceBuffer source, DeviceBuffer destination)
    {
        long total = descriptor.Rows * descriptor.RowLength;
        if (total <= 0) return;
        using var scope = KernelEvents.Scope("CopyStrided", descriptor, ShortName);
        var args = new CopyArgs((int)descriptor.RowLength, (int)descriptor.SourceOffset, (int)descriptor.SourceStride,
            (int)descriptor.DestinationOffset, (int)descriptor.DestinationStride);
        CopyStridedKernel(_stream, (int)total, args, Buf(source).I, Buf(destination).I);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stream.Synchronize();
        _pool.Dispose();
        _stream.Dispose();
        _accelerator.Dispose();
        _ownedContext?.Dispose();
    }

    /// <summary>Frees pooled (unused) device memory.</summary>
    public void TrimPool() => _pool.Trim();

    private static IlgpuBuffer Buf(DeviceBuffer buffer) => (IlgpuBuffer)buffer;

    private static ArrayView<float> F(DeviceBuffer buffer) => ((IlgpuBuffer)buffer).F;

    /// <summary>A float view for an optional buffer; a 1-element dummy (never touched) when absent.</summary>
    private static ArrayView<float> OptionalF(DeviceBuffer? buffer, DeviceBuffer fallback) =>
        buffer is null ? F(fallback).SubView(0, 1) : F(buffer);

    private static void CheckFloat32(DeviceBuffer buffer)
    {
        if (buffer.DType != DType.Float32)
            throw new NotSupportedException(
                $"the ILGPU backend computes in Float32 only, got a {buffer.DType.ShortName()} buffer");
    }

    private static void CheckElementType<T>(DeviceBuffer buffer) where T : unmanaged
    {
        if (DTypeExtensions.Of<T>() != buffer.DType)
            throw new ArgumentException(
                $"element type {typeof(T).Name} does not match buffer dtype {buffer.DType.ShortName()}");
    }
}
