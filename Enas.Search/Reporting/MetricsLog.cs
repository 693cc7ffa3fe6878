using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Enas.Engine.Serialization;

namespace Enas.Search.Reporting;

/// <summary>
/// Append-only JSON Lines metrics file: one object per line whose first field is "kind" (e.g. "epoch",
/// "controller"), each line flushed as written so a crash loses at most the line being written. Reopening with
/// resume keeps every complete line and cuts off a torn last line. Non-finite numbers are written as the strings
/// "NaN", "Infinity" and "-Infinity" (JSON has no literal for them). Not thread-safe.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    private readonly Stream _stream;
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    private MetricsLog(string path, Stream stream, long truncatedBytes)
    {
        Path = path;
        _stream = stream;
        TruncatedBytes = truncatedBytes;
    }

    /// <summary>The file path.</summary>
    public string Path { get; }

    /// <summary>Bytes of a torn last line removed when the log was reopened (0 if none).</summary>
    public long TruncatedBytes { get; }

    /// <summary>
    /// Opens <paramref name="path"/>: with <paramref name="resume"/> appends after the last complete line
    /// (dropping a torn tail), otherwise starts an empty file (replacing any existing one).
    /// </summary>
    public static MetricsLog Open(string path, bool resume = false)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".");
        var stream = new FileStream(path, resume ? FileMode.OpenOrCreate : FileMode.Create, FileAccess.ReadWrite,
            FileShare.Read);
        long keep = resume ? LastCompleteLineEnd(stream) : 0;
        long torn = stream.Length - keep;
        stream.SetLength(keep);
        stream.Seek(keep, SeekOrigin.Begin);
        return new MetricsLog(path, stream, torn);
    }

    /// <summary>A log that names <paramref name="path"/> and writes nothing (the replicas of a data-parallel run:
    /// only rank 0 writes the run folder).</summary>
    public static MetricsLog Discarding(string path) => new(path, Stream.Null, 0);

    /// <summary>Cuts <paramref name="path"/> back to its first <paramref name="length"/> bytes (on resume: the lines
    /// written after the checkpoint, which the resumed run writes again); a shorter or missing file is left as it is.</summary>
    public static void TruncateTo(string path, long length)
    {
        if (File.Exists(path) && new FileInfo(path).Length > length)
            using (var fs = new FileStream(path, FileMode.Open)) fs.SetLength(length);
    }

    /// <summary>Appends {"kind": kind, ...fields} as one line and flushes it.</summary>
    /// <param name="kind">Record kind.</param>
    /// <param name="fields">Values may be null, bool, string, any integer or floating type, arrays/lists of
    /// those, or a <see cref="JsonNode"/>.</param>
    public void Write(string kind, params (string Name, object? Value)[] fields)
    {
        var buffer = _buffer;
        buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteString("kind", kind);
            foreach (var (name, value) in fields)
            {
                json.WritePropertyName(name);
                WriteValue(json, value);
            }
            json.WriteEndObject();
        }
        buffer.Write("\n"u8);
        using var writing = FileWrites.Begin(); // an interruption waits for the whole line
        _stream.Write(buffer.WrittenSpan);
        if (_stream is FileStream file) file.Flush(flushToDisk: false);
    }

    /// <summary>Every complete line of <paramref name="path"/> parsed as an object (a torn last line is skipped).</summary>
    public static List<JsonObject> ReadAll(string path)
    {
        var result = new List<JsonObject>();
        if (!File.Exists(path)) return result;
        var text = File.ReadAllText(path, Encoding.UTF8);
        int end = text.LastIndexOf('\n');
        if (end < 0) return result;
        foreach (var line in text[..end].Split('\n'))
        {
            if (line.Length == 0) continue;
            if (JsonNode.Parse(line) is JsonObject obj) result.Add(obj);
        }
        return result;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _stream.Dispose();

    private static long LastCompleteLineEnd(FileStream stream)
    {
        long length = stream.Length;
        var chunk = new byte[4096];
        long pos = length;
        while (pos > 0)
        {
            int n = (int)Math.Min(chunk.Length, pos);
            pos -= n;
            stream.Seek(pos, SeekOrigin.Begin);
            stream.ReadExactly(chunk, 0, n);
            int i = chunk.AsSpan(0, n).LastIndexOf((byte)'\n');
            if (i >= 0) return pos + i + 1;
        }
        return 0;
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case bool b: json.WriteBooleanValue(b); break;
            case string s: json.WriteStringValue(s); break;
            case double d: WriteDouble(json, d); break;
            case float f: WriteDouble(json, f); break;
            case int i: json.WriteNumberValue(i); break;
            case long l: json.WriteNumberValue(l); break;
            case uint u: json.WriteNumberValue(u); break;
            case ulong ul: json.WriteNumberValue(ul); break;
            case short sh: json.WriteNumberValue(sh); break;
            case decimal m: json.WriteNumberValue(m); break;
            case JsonNode node: node.WriteTo(json); break;
            case System.Collections.IEnumerable items:
                json.WriteStartArray();
                foreach (var item in items) WriteValue(json, item);
                json.WriteEndArray();
                break;
            default: json.WriteStringValue(value.ToString()); break;
        }
    }

    private static void WriteDouble(Utf8JsonWriter json, double d)
    {
        if (double.IsFinite(d)) json.WriteNumberValue(d);
        else json.WriteStringValue(double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
    }
}
