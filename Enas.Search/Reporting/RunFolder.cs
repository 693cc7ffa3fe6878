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
/// a resumed run needs a folder that holds <see cref="ConfigFile"/>. All whole-file writes are atomic. A
/// <see cref="Replica"/> (rank &gt; 0 of a data-parallel run) writes nothing.
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

    /// <summary>The run's HTML report (rewritten after every epoch).</summary>
    public const string ReportFile = "report.html";

    /// <summary>The class names and input format of the run's data.</summary>
    public const string ClassesFile = "classes.json";

    /// <summary>True when <see cref="Create"/> made the folder (it did not exist before).</summary>
    private bool _createdFolder;

    private RunFolder(string path, bool resumed)
    {
        Path = path;
        IsResumed = resumed;
    }

    /// <summary>Absolute path of the folder.</summary>
    public string Path { get; }

    /// <summary>True when this opened an existing run to continue it.</summary>
    public bool IsResumed { get; }

    /// <summary>False for a <see cref="Replica"/>: the folder of a data-parallel run seen from a rank other than 0,
    /// which reads the run (its checkpoint on resume) and writes nothing.</summary>
    public bool Writes { get; private init; } = true;

    /// <summary>The run in <paramref name="path"/> as a rank other than 0 of a data-parallel run sees it: the same
    /// paths, nothing checked or created, and every write (<see cref="WriteText"/>, <see cref="WriteBytes"/>, the
    /// metrics of <see cref="OpenMetrics"/>) dropped; rank 0 opens the folder itself and writes it.</summary>
    public static RunFolder Replica(string path, bool resumed) =>
        new(System.IO.Path.GetFullPath(path), resumed) { Writes = false };

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
    /// <exception cref="RunFolderException">The folder exists and is not empty (another run's, or not a run), is a
    /// file or lies under one, or cannot be written; nothing is left behind.</exception>
    /// <param name="path">The folder.</param>
    /// <param name="configJson">The run's resolved configuration.</param>
    /// <param name="checkpoints">Create the checkpoints folder (a run that saves none, e.g. training a given
    /// recurrent cell, passes false).</param>
    public static RunFolder Create(string path, string configJson, bool checkpoints = true)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (System.IO.File.Exists(full))
            throw new RunFolderException($"{full} is a file, not a folder; choose another --out.");
        if (FileAbove(full) is { } file)
            throw new RunFolderException($"cannot create the run folder {full}: {file} is a file, so no folder can be made " +
                                         "under it. Choose another --out.");
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
            throw new RunFolderException(System.IO.File.Exists(System.IO.Path.Combine(full, ConfigFile))
                ? $"{full} already holds a run; refusing to overwrite it: pass --resume to continue that run, or choose another --out folder."
                : $"{full} is not empty and is not a run folder; a run does not mix its files with others. Choose a new or empty --out folder.");
        var created = MissingFolders(full);
        var folder = new RunFolder(full, resumed: false) { _createdFolder = created.Count > 0 };
        try
        {
            Directory.CreateDirectory(checkpoints ? folder.CheckpointsPath : full);
            folder.WriteText(ConfigFile, configJson);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            foreach (var dir in created.Prepend(folder.CheckpointsPath)) TryDelete(dir);
            throw new RunFolderException($"cannot write the run folder {full} (the system said: {e.Message.TrimEnd('.')}). " +
                                         "Check that you may write there and that the disk is not full, or choose another --out.");
        }
        return folder;
    }

    /// <summary>
    /// Removes what a run wrote when it stopped before its first checkpoint (config.json, metrics.jsonl, the empty
    /// checkpoints folder, and the folder itself when this run created it and that empties it), so the same --out can
    /// be used again. A folder that holds a checkpoint is left as it is.
    /// </summary>
    /// <returns>True when the run held no checkpoint and its files were removed.</returns>
    public bool RemoveIfNothingSaved()
    {
        if (!Writes) return false;
        if (Directory.Exists(CheckpointsPath) && Directory.EnumerateFileSystemEntries(CheckpointsPath).Any()) return false;
        foreach (var file in new[] { ConfigPath, MetricsPath, File(ClassesFile), File(ReportFile) })
            if (System.IO.File.Exists(file)) System.IO.File.Delete(file);
        TryDelete(CheckpointsPath);
        if (_createdFolder) TryDelete(Path);
        return true;
    }

    /// <summary>The nearest existing ancestor of <paramref name="full"/> when it is a file (null otherwise).</summary>
    private static string? FileAbove(string full)
    {
        for (string? dir = System.IO.Path.GetDirectoryName(full); dir is not null; dir = System.IO.Path.GetDirectoryName(dir))
        {
            if (System.IO.File.Exists(dir)) return dir;
            if (Directory.Exists(dir)) return null;
        }
        return null;
    }

    /// <summary><paramref name="full"/> and those of its ancestors that do not exist yet, deepest first.</summary>
    private static List<string> MissingFolders(string full)
    {
        var missing = new List<string>();
        for (string? dir = full; dir is not null && !Directory.Exists(dir); dir = System.IO.Path.GetDirectoryName(dir)) missing.Add(dir);
        return missing;
    }

    /// <summary>Deletes <paramref name="dir"/> when it exists and is empty.</summary>
    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // best effort: the message about the original problem matters more
        }
    }

    /// <summary>Opens an existing run in <paramref name="path"/> to resume it.</summary>
    /// <param name="path">The run folder.</param>
    /// <param name="checkpointSuffices">Also accept a folder without config.json that holds checkpoints/last.ckpt
    /// (recurrent runs written before they stored their configuration).</param>
    /// <exception cref="RunFolderException">The folder or its config.json is missing; nothing is created.</exception>
    public static RunFolder OpenForResume(string path, bool checkpointSuffices = false)
    {
        string full = System.IO.Path.GetFullPath(path);
        var folder = new RunFolder(full, resumed: true);
        bool legacy = checkpointSuffices && System.IO.File.Exists(System.IO.Path.Combine(folder.CheckpointsPath, "last.ckpt"));
        if (!System.IO.File.Exists(folder.ConfigPath) && !legacy)
            throw new RunFolderException(
                !Directory.Exists(full) ? $"cannot resume: {full} does not exist, so there is no run there to continue. Check --out, or start a new run without --resume."
                : System.IO.File.Exists(System.IO.Path.Combine(folder.CheckpointsPath, "last.ckpt"))
                    ? $"cannot resume: {full} holds a checkpoint but no {ConfigFile} (a recurrent run from before runs stored their configuration): resume it with --space rnn and the run's original options."
                    : $"cannot resume: {full} holds no {ConfigFile}, so it is not a run folder. Check --out, or start a new run without --resume.");
        Directory.CreateDirectory(folder.CheckpointsPath);
        return folder;
    }

    /// <summary>An existing run folder, read as it is (nothing is created).</summary>
    /// <exception cref="RunFolderException">The folder holds no config.json.</exception>
    public static RunFolder Existing(string path)
    {
        var folder = new RunFolder(System.IO.Path.GetFullPath(path), resumed: true);
        if (!System.IO.File.Exists(folder.ConfigPath))
            throw new RunFolderException($"{folder.Path} holds no {ConfigFile}, so it is not a run folder.");
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
    public void WriteText(string relativeName, string text)
    {
        if (Writes) AtomicFile.WriteAllText(File(relativeName), text);
    }

    /// <summary>Atomically writes <paramref name="bytes"/> to <paramref name="relativeName"/> in the folder.</summary>
    public void WriteBytes(string relativeName, ReadOnlySpan<byte> bytes)
    {
        if (Writes) AtomicFile.WriteAllBytes(File(relativeName), bytes);
    }

    /// <summary>Opens (resuming when this run is resumed) the run's metrics log.</summary>
    public MetricsLog OpenMetrics() => Writes ? MetricsLog.Open(MetricsPath, resume: IsResumed) : MetricsLog.Discarding(MetricsPath);
}
