namespace Enas.Kernels;

/// <summary>
/// Copies <see cref="Rows"/> rows of <see cref="RowLength"/> contiguous elements: row r goes from
/// src[SourceOffset + r * SourceStride ..] to dst[DestinationOffset + r * DestinationStride ..]. Covers channel
/// concat, channel slice and their backward passes, and plain copies (Rows = 1).
/// </summary>
public readonly record struct StridedCopyDescriptor(
    long Rows, long RowLength, long SourceOffset, long SourceStride, long DestinationOffset, long DestinationStride)
{
    /// <summary>A dense copy of <paramref name="count"/> elements.</summary>
    public static StridedCopyDescriptor Contiguous(long count, long sourceOffset = 0, long destinationOffset = 0) =>
        new(1, count, sourceOffset, count, destinationOffset, count);
}
