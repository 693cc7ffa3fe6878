using System.Runtime.InteropServices;

namespace Enas.Kernels.Cpu;

/// <summary>
/// Per-thread scratch memory for CPU kernels (packed GEMM panels, im2col columns, partial sums). Each thread keeps a
/// few 64-byte aligned native blocks, one per <see cref="Slot"/>, grown on demand and reused by every later call, so
/// hot paths never allocate (fresh pages cost ~12 us per 4 KiB on the work VM). Contents are unspecified.
/// </summary>
internal static unsafe class CpuScratch
{
    /// <summary>Independent scratch regions of one thread.</summary>
    public enum Slot
    {
        /// <summary>GEMM packed A block.</summary>
        PackA,

        /// <summary>GEMM packed B block.</summary>
        PackB,

        /// <summary>Convolution column matrix (im2col).</summary>
        Columns,

        /// <summary>Partial results reduced by the calling thread (weight gradients).</summary>
        Partials,

        /// <summary>Direct convolution: packed weights.</summary>
        ConvWeights,

        /// <summary>Direct convolution: tap offsets (ints).</summary>
        ConvOffsets,

        /// <summary>Direct convolution: zero-padded input image.</summary>
        ConvInput,

        /// <summary>Direct convolution: output tile or gradient in padded-row layout.</summary>
        ConvOutput,
    }

    private const int SlotCount = 8;

    [ThreadStatic] private static Block[]? t_blocks;

    /// <summary>At least <paramref name="count"/> elements of <typeparamref name="T"/> for this thread.</summary>
    public static T* Get<T>(Slot slot, long count) where T : unmanaged
    {
        var blocks = t_blocks ??= new Block[SlotCount];
        ref var block = ref blocks[(int)slot];
        long bytes = Math.Max(64, count * sizeof(T));
        if (block.Bytes < bytes)
        {
            if (block.Pointer != null) NativeMemory.AlignedFree(block.Pointer);
            long grown = Math.Max(bytes, block.Bytes + block.Bytes / 2);
            block.Pointer = NativeMemory.AlignedAlloc((nuint)grown, 64);
            block.Bytes = grown;
        }
        return (T*)block.Pointer;
    }

    private struct Block
    {
        public void* Pointer;
        public long Bytes;
    }
}
