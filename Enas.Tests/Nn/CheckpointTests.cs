using Enas.Engine.Serialization;

namespace Enas.Tests.Nn;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("enas-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CheckpointEntry[] Sample() =>
    [
        new("model/w", [2, 3], [1, 2, 3, 4, 5, -6.5f]),
        new("model/b", [3], [0.25f, float.NegativeInfinity, 1e-30f]),
        new("optim/step_count", [], [42]),
        new("empty", [0, 4], []),
    ];

    private string WriteSample(string name = "a.ckpt")
    {
        string path = Path.Combine(_dir, name);
        Checkpoint.Write(path, """{"epoch": 3, "note": "héllo"}""", Sample());
        return path;
    }

    [Fact]
    public void RoundTripKeepsMetadataNamesShapesAndValues()
    {
        string path = WriteSample();
        var (meta, entries) = Checkpoint.Read(path);
        Assert.Equal("""{"epoch": 3, "note": "héllo"}""", meta);
        Assert.Equal(4, entries.Count);
        foreach (var e in Sample())
        {
            Assert.Equal(e.Shape, entries[e.Name].Shape);
            Assert.Equal(e.Data, entries[e.Name].Data);
        }
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void TruncatedFileIsRejected()
    {
        string path = WriteSample();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);
        var ex = Assert.Throws<InvalidDataException>(() => Checkpoint.Read(path));
        Assert.Contains("truncated", ex.Message);
        Assert.Contains(path, ex.Message);
        File.WriteAllBytes(path, bytes[..5]);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => Checkpoint.Read(path)).Message);
    }

    [Fact]
    public void FlippedByteFailsTheChecksum()
    {
        string path = WriteSample();
        var bytes = File.ReadAllBytes(path);
        foreach (int at in new[] { 30, bytes.Length / 2, bytes.Length - 33, bytes.Length - 1 })
        {
            var corrupt = (byte[])bytes.Clone();
            corrupt[at] ^= 0x04;
            File.WriteAllBytes(path, corrupt);
            var ex = Assert.Throws<InvalidDataException>(() => Checkpoint.Read(path));
            Assert.Contains("checksum", ex.Message);
        }
    }

    [Fact]
    public void WrongMagicIsRejected()
    {
        string path = WriteSample();
        var bytes = File.ReadAllBytes(path);
        bytes[0] = (byte)'X';
        File.WriteAllBytes(path, bytes);
        Assert.Contains("bad magic", Assert.Throws<InvalidDataException>(() => Checkpoint.Read(path)).Message);
        File.WriteAllText(path, "{\"not\": \"a checkpoint\"}");
        Assert.Contains("bad magic", Assert.Throws<InvalidDataException>(() => Checkpoint.Read(path)).Message);
    }

    [Fact]
    public void TrailingBytesAndUnknownVersionAreRejected()
    {
        string path = WriteSample();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, [.. bytes, 0]);
        Assert.Contains("unexpected bytes", Assert.Throws<InvalidDataException>(() => Checkpoint.Read(path)).Message);
        bytes[8] = 99;
        File.WriteAllBytes(path, bytes);
        Assert.Contains("version 99", Assert.Throws<InvalidDataException>(() => Checkpoint.Read(path)).Message);
    }

    private static IEnumerable<CheckpointEntry> ThrowAfterOne()
    {
        yield return new CheckpointEntry("x", [2], [7, 8]);
        throw new IOException("simulated failure mid-write");
    }

    [Fact]
    public void FailedWriteLeavesThePreviousFileIntact()
    {
        string path = WriteSample();
        var before = File.ReadAllBytes(path);
        Assert.Throws<IOException>(() => Checkpoint.Write(path, "{}", ThrowAfterOne()));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.False(File.Exists(path + ".tmp"));
        Assert.Throws<Enas.Engine.ShapeMismatchException>(() =>
            Checkpoint.Write(path, "{}", [new CheckpointEntry("ok", [1], [1]), new CheckpointEntry("bad", [3], [1])]));
        Assert.Throws<ArgumentException>(() =>
            Checkpoint.Write(path, "{}", [new CheckpointEntry("d", [1], [1]), new CheckpointEntry("d", [1], [2])]));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(4, Checkpoint.Read(path).Entries.Count);
    }

    [Fact]
    public void OverwriteReplacesAnExistingCheckpoint()
    {
        string path = WriteSample();
        Checkpoint.Write(path, "{\"v\":2}", [new CheckpointEntry("only", [1], [3])]);
        var (meta, entries) = Checkpoint.Read(path);
        Assert.Equal("{\"v\":2}", meta);
        Assert.Equal(["only"], entries.Keys);
    }
}
