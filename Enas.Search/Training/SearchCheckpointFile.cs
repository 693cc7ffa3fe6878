using System.Security.Cryptography;
using System.Text;

namespace Enas.Search.Training;

/// <summary>One named float array of a checkpoint.</summary>
public sealed record CheckpointTensor(string Name, int[] Shape, float[] Data);

/// <summary>
/// Checkpoint file: metadata JSON plus named float arrays, with a SHA-256 trailer. Written atomically (temp file in
/// the same folder, flushed, then renamed over the old file), so an interrupted write leaves the previous checkpoint
/// intact; <see cref="Read"/> verifies the magic, version and checksum. (A local stand-in until the engine's
/// <c>Enas.Engine.Serialization.Checkpoint</c> lands; the format is private to the search layer.)
/// </summary>
public static class SearchCheckpointFile
{
    private static readonly byte[] Magic = "ENASCKP1"u8.ToArray();

    /// <summary>Writes atomically.</summary>
    public static void Write(string path, string metadataJson, IEnumerable<CheckpointTensor> tensors)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        using (var ms = new MemoryStream())
        {
            using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
            {
                w.Write(Magic);
                w.Write(metadataJson);
                var list = tensors.ToList();
                w.Write(list.Count);
                foreach (var t in list)
                {
                    w.Write(t.Name);
                    w.Write(t.Shape.Length);
                    foreach (int d in t.Shape) w.Write(d);
                    w.Write(t.Data.Length);
                    w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Data.AsSpan()));
                }
            }
            var hash = SHA256.HashData(ms.GetBuffer().AsSpan(0, (int)ms.Length));
            ms.Write(hash);
            using var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None);
            ms.Position = 0;
            ms.CopyTo(fs);
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Reads and verifies a checkpoint.</summary>
    public static (string MetadataJson, Dictionary<string, CheckpointTensor> Tensors) Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException e) { throw new InvalidDataException($"cannot read checkpoint '{path}': {e.Message}"); }
        if (bytes.Length < Magic.Length + 32 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException($"'{path}' is not an Enas search checkpoint (bad magic or too short)");
        var body = bytes.AsSpan(0, bytes.Length - 32);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32)))
            throw new InvalidDataException($"checkpoint '{path}' is corrupt (checksum mismatch)");
        using var r = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 32), Encoding.UTF8);
        r.ReadBytes(Magic.Length);
        string meta = r.ReadString();
        int count = r.ReadInt32();
        var tensors = new Dictionary<string, CheckpointTensor>(count);
        for (int i = 0; i < count; i++)
        {
            string name = r.ReadString();
            var shape = new int[r.ReadInt32()];
            for (int d = 0; d < shape.Length; d++) shape[d] = r.ReadInt32();
            var data = new float[r.ReadInt32()];
            r.Read(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
            tensors.Add(name, new CheckpointTensor(name, shape, data));
        }
        return (meta, tensors);
    }
}
