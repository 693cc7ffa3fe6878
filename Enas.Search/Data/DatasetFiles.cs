using System.IO.Compression;

namespace Enas.Search.Data;

/// <summary>File helpers shared by the loaders: locate plain-or-gzipped files and read them whole.</summary>
internal static class DatasetFiles
{
    /// <summary>The path of <paramref name="name"/> or <paramref name="name"/>.gz in <paramref name="dir"/>, or null.</summary>
    public static string? Find(string dir, string name)
    {
        string plain = Path.Combine(dir, name);
        if (File.Exists(plain)) return plain;
        string gz = plain + ".gz";
        return File.Exists(gz) ? gz : null;
    }

    /// <summary>What to say when files of a dataset are missing from <paramref name="dir"/>: each file named once
    /// (the missing ones, then those found), then <paramref name="fix"/>.</summary>
    public static string MissingMessage(string dataset, string dir, IReadOnlyList<string> files, IReadOnlyList<string> missing, string fix)
    {
        if (!Directory.Exists(dir))
            return $"{dataset} not found: the folder {dir} does not exist. Expected {files.Count} files in one folder: " +
                   $"{string.Join(", ", files)}. {fix}";
        if (missing.Count == files.Count)
            return $"{dataset} not found in {dir}: none of its {files.Count} files ({string.Join(", ", files)}) is there. {fix}";
        var found = files.Except(missing).ToList();
        return $"{dataset} not found: missing {string.Join(", ", missing)} in {dir} (the other {found.Count} " +
               $"{(found.Count == 1 ? "file is" : "files are")} there: {string.Join(", ", found)}). {fix}";
    }

    /// <summary>Reads a whole file, decompressing it when its name ends in .gz.</summary>
    /// <exception cref="DatasetException">The file is empty, unreadable or not valid gzip.</exception>
    public static byte[] ReadAll(string path)
    {
        byte[] raw;
        try
        {
            raw = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new DatasetException(path, $"{path}: cannot be read ({e.Message}).", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DatasetException(path, $"{path}: permission denied ({e.Message}).", e);
        }
        if (raw.Length == 0)
            throw new DatasetException(path, $"{path}: the file is empty (0 bytes); it was probably not downloaded " +
                "completely. Replace it with a complete copy.");
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) return raw;
        if (raw.Length < 2 || raw[0] != 0x1F || raw[1] != 0x8B)
            throw new DatasetException(path, $"{path}: the name ends in .gz but the file is not gzip-compressed " +
                $"(first bytes 0x{raw[0]:X2}{(raw.Length > 1 ? raw[1].ToString("X2") : "")}, expected 0x1F8B). " +
                "Rename it without .gz if it is a plain file, or replace it.");
        try
        {
            using var input = new MemoryStream(raw, writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream(raw.Length * 2);
            gzip.CopyTo(output);
            var data = output.ToArray();
            if (data.Length == 0)
                throw new DatasetException(path, $"{path}: decompresses to nothing (0 bytes); replace the file.");
            return data;
        }
        catch (InvalidDataException e)
        {
            throw new DatasetException(path, $"{path}: corrupt or truncated gzip data ({e.Message}); replace the " +
                "file with a complete copy.", e);
        }
    }
}
