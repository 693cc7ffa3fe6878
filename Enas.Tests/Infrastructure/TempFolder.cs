namespace Enas.Tests.Infrastructure;

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    /// <summary>Creates the folder.</summary>
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "enas-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>Absolute path.</summary>
    public string Path { get; }

    /// <summary>Path of <paramref name="name"/> inside the folder.</summary>
    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>Deletes the folder.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // leave it for the OS to clean
        }
    }
}
