using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Enas.Engine.Serialization;

/// <summary>
/// A checksummed binary container of named float32 tensors plus a JSON metadata string. Layout (little-endian):
/// <code>
/// "ENASCKPT" | int32 version (1) | int64 total file length | int32 metadata bytes | metadata UTF-8
/// | int32 entry count | per entry: int32 name bytes, name UTF-8, int32 rank, int32 dims[rank], float32 data[prod]
/// | SHA-256 of every byte before it (32 bytes)
/// </code>
/// Writes are atomic: the file is written to "path.tmp", flushed to disk, then renamed over the target, so a crash or
/// exception mid-write leaves any previous checkpoint intact. Reads verify magic, version, length and checksum before
/// parsing and throw <see cref="InvalidDataException"/> naming the file and the fault.
/// </summary>
public static class Checkpoint
{
    /// <summary>Format version written by this code.</summary>
    public const int FormatVersion = 1;

    private static readonly byte[] Magic = "ENASCKPT"u8.ToArray();
    private const int HeaderBytes = 8 + 4 + 8; // magic, version, total length
    private const int HashBytes = 32;
    private const int MaxRank = 8;

    /// <summary>
    /// Writes <paramref name="entries"/> (enumerated once, streamed to disk) and <paramref name="metadataJson"/> to
    /// <paramref name="path"/> atomically. Entry names must be unique and non-empty, and each Data must fill its Shape.
    /// </summary>
    public static void Write(string path, string metadataJson, IEnumerable<CheckpointEntry> entries)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(metadataJson);
        ArgumentNullException.ThrowIfNull(entries);
        string tmp = path + ".tmp";
        using var writing = FileWrites.Begin(); // an interruption waits for the file to be complete
        try
        {
            using (var file = new FileStream(tmp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                WriteBody(file, metadataJson, entries);
                long total = file.Length + HashBytes;
                file.Position = 8 + 4;
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(length, total);
                file.Write(length);
                file.Flush();
                var hash = HashPrefix(file, total - HashBytes);
                file.Position = total - HashBytes;
                file.Write(hash);
                file.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    private static void WriteBody(FileStream file, string metadataJson, IEnumerable<CheckpointEntry> entries)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var w = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(FormatVersion);
        w.Write(0L); // total length, patched at the end
        var meta = Encoding.UTF8.GetBytes(metadataJson);
        w.Write(meta.Length);
        w.Write(meta);
        long countPosition = file.Position;
        w.Write(0); // entry count, patched below
        int count = 0;
        foreach (var e in entries)
        {
            Validate(e, names);
            var name = Encoding.UTF8.GetBytes(e.Name);
            w.Write(name.Length);
            w.Write(name);
            w.Write(e.Shape.Length);
            foreach (int d in e.Shape) w.Write(d);
            if (BitConverter.IsLittleEndian) w.Write(MemoryMarshal.AsBytes(e.Data.AsSpan()));
            else foreach (float v in e.Data) w.Write(v);
            count++;
        }
        w.Flush();
        long end = file.Position;
        file.Position = countPosition;
        w.Write(count);
        w.Flush();
        file.Position = end;
    }

    private static void Validate(CheckpointEntry e, HashSet<string> names)
    {
        if (e is null) throw new ArgumentException("Checkpoint.Write: null entry");
        if (string.IsNullOrEmpty(e.Name)) throw new ArgumentException("Checkpoint.Write: entry with an empty name");
        if (!names.Add(e.Name)) throw new ArgumentException($"Checkpoint.Write: duplicate entry name '{e.Name}'");
        if (e.Shape is null || e.Data is null || e.Shape.Length > MaxRank)
            throw new ArgumentException($"Checkpoint.Write: entry '{e.Name}' needs a shape of rank <= {MaxRank} and data");
        foreach (int d in e.Shape)
            if (d < 0) throw new ArgumentException($"Checkpoint.Write: entry '{e.Name}' has shape {e.ShapeText}");
        if (e.ElementCount != e.Data.Length)
            throw new ShapeMismatchException("Checkpoint.Write",
                $"entry '{e.Name}' has {e.Data.Length} values for shape {e.ShapeText} ({e.ElementCount} elements)");
    }

    /// <summary>
    /// Reads and verifies a checkpoint. Throws <see cref="InvalidDataException"/> (message names the file) when it
    /// is truncated, has trailing bytes, a bad magic, an unknown version, a bad checksum or inconsistent lengths;
    /// <see cref="FileNotFoundException"/> when it does not exist.
    /// </summary>
    public static (string MetadataJson, IReadOnlyDictionary<string, CheckpointEntry> Entries) Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = File.ReadAllBytes(path);
        InvalidDataException Bad(string what) => new($"checkpoint '{path}': {what}");

        if (bytes.Length < 8 || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
            throw Bad(bytes.Length < 8
                ? $"truncated ({bytes.Length} bytes, too short for the header)"
                : "bad magic (not an Enas checkpoint)");
        if (bytes.Length < HeaderBytes) throw Bad($"truncated ({bytes.Length} bytes, too short for the header)");
        int version = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        if (version != FormatVersion) throw Bad($"unsupported format version {version} (this build reads {FormatVersion})");
        long declared = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(12));
        if (bytes.Length < declared) throw Bad($"truncated ({bytes.Length} of {declared} bytes)");
        if (bytes.Length > declared)
            throw Bad($"{bytes.Length - declared} unexpected bytes after the declared end ({declared} bytes)");
        if (declared < HeaderBytes + 8 + HashBytes) throw Bad($"declared length {declared} is too small");
        var body = bytes.AsSpan(0, (int)(declared - HashBytes));
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(body.Length, HashBytes)))
            throw Bad("bad checksum (the file is corrupt)");
        return Parse(body, Bad);
    }

    private static (string, IReadOnlyDictionary<string, CheckpointEntry>) Parse(ReadOnlySpan<byte> body,
        Func<string, InvalidDataException> bad)
    {
        int pos = HeaderBytes;
        int ReadInt(ReadOnlySpan<byte> b, string what)
        {
            if (pos + 4 > b.Length) throw bad($"inconsistent lengths: {what} runs past the end");
            int v = BinaryPrimitives.ReadInt32LittleEndian(b[pos..]);
            pos += 4;
            return v;
        }
        ReadOnlySpan<byte> Take(ReadOnlySpan<byte> b, long n, string what)
        {
            if (n < 0 || pos + n > b.Length) throw bad($"inconsistent lengths: {what} runs past the end");
            var s = b.Slice(pos, (int)n);
            pos += (int)n;
            return s;
        }

        string meta = Encoding.UTF8.GetString(Take(body, ReadInt(body, "metadata length"), "metadata"));
        int count = ReadInt(body, "entry count");
        if (count < 0) throw bad($"negative entry count {count}");
        var entries = new Dictionary<string, CheckpointEntry>(StringComparer.Ordinal);
        for (int k = 0; k < count; k++)
        {
            string name = Encoding.UTF8.GetString(Take(body, ReadInt(body, $"entry {k} name length"), $"entry {k} name"));
            int rank = ReadInt(body, $"entry '{name}' rank");
            if (rank is < 0 or > MaxRank) throw bad($"entry '{name}' has rank {rank}");
            var shape = new int[rank];
            long elements = 1;
            for (int d = 0; d < rank; d++)
            {
                shape[d] = ReadInt(body, $"entry '{name}' shape");
                if (shape[d] < 0) throw bad($"entry '{name}' has a negative dimension");
                elements *= shape[d];
                if (elements > int.MaxValue) throw bad($"entry '{name}' is too large");
            }
            var data = new float[elements];
            MemoryMarshal.Cast<byte, float>(Take(body, elements * 4, $"entry '{name}' data")).CopyTo(data);
            if (!BitConverter.IsLittleEndian)
                for (int i = 0; i < data.Length; i++)
                    data[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReverseEndianness(
                        BitConverter.SingleToInt32Bits(data[i])));
            if (!entries.TryAdd(name, new CheckpointEntry(name, shape, data)))
                throw bad($"duplicate entry '{name}'");
        }
        if (pos != body.Length) throw bad($"{body.Length - pos} unparsed bytes after the last entry");
        return (meta, entries);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>SHA-256 of the first <paramref name="length"/> bytes of <paramref name="file"/>.</summary>
    private static byte[] HashPrefix(FileStream file, long length)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = new byte[1 << 16];
        file.Position = 0;
        long remaining = length;
        while (remaining > 0)
        {
            int n = file.Read(chunk, 0, (int)Math.Min(chunk.Length, remaining));
            if (n == 0) throw new IOException($"checkpoint temp file '{file.Name}' ended early while hashing");
            hash.AppendData(chunk, 0, n);
            remaining -= n;
        }
        return hash.GetHashAndReset();
    }
}
