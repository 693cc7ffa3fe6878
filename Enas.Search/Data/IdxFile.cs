using System.Buffers.Binary;

namespace Enas.Search.Data;

/// <summary>
/// Reader for the idx format of MNIST and Fashion-MNIST: a big-endian magic number 0x000008DD (unsigned bytes, DD
/// dimensions), DD big-endian int32 sizes, then the bytes.
/// </summary>
internal static class IdxFile
{
    /// <summary>Magic number of an idx1 unsigned-byte file (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Magic number of an idx3 unsigned-byte file (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Reads an idx3 images file: (count, rows, cols, pixel bytes).</summary>
    public static (int Count, int Rows, int Cols, byte[] Data, int Offset) ReadImages(string path)
    {
        var bytes = DatasetFiles.ReadAll(path);
        var dims = ReadHeader(path, bytes, ImagesMagic, 3, "idx3 images");
        return (dims[0], dims[1], dims[2], bytes, 16);
    }

    /// <summary>Reads an idx1 labels file: the label bytes.</summary>
    public static ReadOnlyMemory<byte> ReadLabels(string path)
    {
        var bytes = DatasetFiles.ReadAll(path);
        var dims = ReadHeader(path, bytes, LabelsMagic, 1, "idx1 labels");
        return bytes.AsMemory(8, dims[0]);
    }

    private static int[] ReadHeader(string path, byte[] bytes, int magic, int rank, string what)
    {
        int header = 4 + 4 * rank;
        if (bytes.Length < 4)
            throw new DatasetException(path, $"{path}: truncated: {bytes.Length} bytes, too short for an idx header " +
                $"({header} bytes for {what}); replace the file with a complete copy.");
        int found = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (found != magic)
        {
            string hint = found == LabelsMagic ? " This looks like a labels file; are the images and labels swapped?"
                : found == ImagesMagic ? " This looks like an images file; are the images and labels swapped?"
                : " Is this an idx file at all?";
            throw new DatasetException(path, $"{path}: wrong magic number 0x{found:X8}, expected 0x{magic:X8} " +
                $"({what}, unsigned bytes).{hint}");
        }
        if (bytes.Length < header)
            throw new DatasetException(path, $"{path}: truncated: {bytes.Length} bytes, too short for the " +
                $"{header}-byte {what} header; replace the file with a complete copy.");
        var dims = new int[rank];
        long expected = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (dims[i] <= 0 || (i > 0 && dims[i] > 4096))
                throw new DatasetException(path, $"{path}: wrong dimensions: size {i} is {dims[i]} " +
                    $"(header dims [{string.Join(", ", dims.Take(i + 1))}]); expected a positive count and image " +
                    "sides up to 4096. The file is corrupt; replace it.");
            expected *= dims[i];
        }
        long actual = bytes.Length - header;
        if (actual < expected)
            throw new DatasetException(path, $"{path}: truncated: the header promises {expected} data bytes " +
                $"(dims [{string.Join(", ", dims)}]) but only {actual} follow; replace the file with a complete copy.");
        if (actual > expected)
            throw new DatasetException(path, $"{path}: {actual - expected} unexpected bytes after the {expected} " +
                $"data bytes the header promises (dims [{string.Join(", ", dims)}]); the file is corrupt.");
        return dims;
    }
}
