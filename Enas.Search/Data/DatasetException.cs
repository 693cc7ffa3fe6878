namespace Enas.Search.Data;

/// <summary>
/// A dataset could not be loaded: a file is missing, empty, truncated, has the wrong magic number or dimensions,
/// or its images and labels disagree. The message names the file, what was expected and how to fix it.
/// </summary>
public sealed class DatasetException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/> (may be a folder).</summary>
    public DatasetException(string path, string message, Exception? inner = null) : base(message, inner)
    {
        Path = path;
    }

    /// <summary>The file or folder at fault.</summary>
    public string Path { get; }
}
