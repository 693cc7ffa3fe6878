namespace Enas.Search.Reporting;

/// <summary>A run folder cannot be used: it belongs to another run, or a resume finds no run to continue.</summary>
public sealed class RunFolderException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RunFolderException(string message) : base(message)
    {
    }
}

/// <summary>
/// The output folder of one run, with the standard file names. A new run needs a folder that is missing or empty;
/// a resumed run needs a folder that holds <see cref="ConfigFile"/>. All whole-file writes are atomic.
/// </summary>
public sealed class RunFolder
{
    /// <summary>Resolved run configuration (JSON).</summary>
    public const string ConfigFile = "config.json";

    /// <summary>Append-only metrics, one JSON object per line.</summary>
    public const string MetricsFile = "metrics.jsonl";

    /// <summary>The best architecture as JSON.</summary>
    public const string BestArchitectureJsonFile = "best-architecture.json";

    /// <summary>The best architecture as the official ENAS integer string.</summary>
    public const string BestArchitectureTextFile = "best-architecture.txt";

    /// <summary>Checkpoint sub-folder.</summary>
    public const string CheckpointsFolder = "checkpoints";

    private RunFolder(string path, bool resumed)
    {
        Path = path;
        IsResumed = resumed;
    }

    /// <summary>Absolute path of the folder.</summary>
    public string Path { get; }

    /// <summary>True when this opened an existing run to continue it.</summary>
    public bool IsResumed { get; }

    /// <summary>Path of <see cref="ConfigFile"/>.</summary>
    public string ConfigPath => File(ConfigFile);

    /// <summary>Path of <see cref="MetricsFile"/>.</summary>
    public string MetricsPath => File(MetricsFile);

    /// <summary>Path of <see cref="BestArchitectureJsonFile"/>.</summary>
    public string BestArchitectureJsonPath => File(BestArchitectureJsonFile);

    /// <summary>Path of <see cref="BestArchitectureTextFile"/>.</summary>
    public string BestArchitectureTextPath => File(BestArchitectureTextFile);

    /// <summary>Path of the checkpoints folder (created on open).</summary>
    public string CheckpointsPath => File(CheckpointsFolder);

    /// <summary>
    /// Creates a new run in <paramref name="path"/> and writes <paramref name="configJson"/> as config.json.
    /// </summary>
    /// <exception cref="RunFolderException">The folder exists and is not empty (another run's, or not a run).</exception>
    public static RunFolder Create(string path, string configJson)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (System.IO.File.Exists(full))
            throw new RunFolderException($"{full} is a file, not a folder; choose another --out.");
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            string what = System.IO.File.Exists(System.IO.Path.Combine(full, ConfigFile))
                ? "already holds a run"
                : "is not empty (and is not a run folder)";
            throw new RunFolderException($"{full} {what}; refusing to overwrite it. Pass --resume to continue that " +
                "run, or choose another --out folder.");
        }
        var folder = new RunFolder(full, resumed: false);
        Directory.CreateDirectory(folder.CheckpointsPath);
        folder.WriteText(ConfigFile, configJson);
        return folder;
    }

    /// <summary>Opens an existing run in <paramref name="path"/> to resume it.</summary>
    /// <exception cref="RunFolderException">The folder or its config.json is missing.</exception>
    public static RunFolder OpenForResume(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!System.IO.File.Exists(System.IO.Path.Combine(full, ConfigFile)))
            throw new RunFolderException($"cannot resume: {System.IO.Path.Combine(full, ConfigFile)} does not " +
                "exist, so there is no run there to continue. Check --out, or start a new run without --resume.");
        var folder = new RunFolder(full, resumed: true);
        Directory.CreateDirectory(folder.CheckpointsPath);
        return folder;
    }

    /// <summary><see cref="OpenForResume"/> when <paramref name="resume"/>, else <see cref="Create"/>.</summary>
    public static RunFolder Open(string path, string configJson, bool resume) =>
        resume ? OpenForResume(path) : Create(path, configJson);

    /// <summary>The stored config.json text.</summary>
    public string ReadConfig() => System.IO.File.ReadAllText(ConfigPath);

    /// <summary>Absolute path of <paramref name="relativeName"/> inside the folder.</summary>
    public string File(string relativeName) => System.IO.Path.Combine(Path, relativeName);

    /// <summary>Atomically writes <paramref name="text"/> to <paramref name="relativeName"/> in the folder.</summary>
    public void WriteText(string relativeName, string text) => AtomicFile.WriteAllText(File(relativeName), text);

    /// <summary>Atomically writes <paramref name="bytes"/> to <paramref name="relativeName"/> in the folder.</summary>
    public void WriteBytes(string relativeName, ReadOnlySpan<byte> bytes) =>
        AtomicFile.WriteAllBytes(File(relativeName), bytes);

    /// <summary>Opens (resuming when this run is resumed) the run's metrics log.</summary>
    public MetricsLog OpenMetrics() => MetricsLog.Open(MetricsPath, resume: IsResumed);
}
