using Enas.Search.Reporting;

namespace Enas.Search.Cli;

/// <summary>Where an exported model goes: checked before any work (so a bad path costs nothing and writes nothing)
/// and written atomically (a reader never sees half a model, an interrupted write leaves no file).</summary>
internal static class OnnxTarget
{
    /// <summary>The full path of <paramref name="path"/> once it is known to be writable.</summary>
    /// <exception cref="CliException">The path is empty, a folder, in a folder that does not exist, or not writable.</exception>
    public static string Check(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new CliException($"{option} needs a file name, e.g. {option} model.onnx");
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new CliException($"{option} {path} is a folder; give a file name, e.g. {option} {Path.Combine(path, "model.onnx")}");
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir))
            throw new CliException($"{option} {path}: the folder {dir} does not exist; create it first or choose another path");
        string probe = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.probe");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new CliException($"{option} {path}: cannot write in {dir} ({e.Message}); choose a writable folder");
        }
        if (File.Exists(full) && new FileInfo(full).IsReadOnly)
            throw new CliException($"{option} {path} exists and is read-only; remove it or choose another path");
        return full;
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="model"/> atomically.</summary>
    public static void Write(string path, byte[] model) => AtomicFile.WriteAllBytes(path, model);
}
