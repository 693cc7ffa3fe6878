using Enas.Search.Reporting;
using Enas.Search.Reporting.Report;
using Enas.Search.Spaces;
using Enas.Search.Training;

namespace Enas.Search.Cli;

/// <summary>
/// Writes <c>report.html</c> (<see cref="RunReportHtml"/>) into a run folder: after every epoch of a search or of
/// <c>train</c>, after derive and after a comparison, and on demand (<c>report --out DIR</c>). The next command it
/// shows follows from the folder: a finished search's <c>train</c> command, a finished train run's <c>eval</c>
/// command, or the <c>--resume</c> command of a run that has not finished.
/// </summary>
internal static class RunReports
{
    /// <summary>Rewrites the report of <paramref name="folder"/> atomically. A report that cannot be made never stops
    /// the run: the reason goes to <paramref name="warnings"/>.</summary>
    public static void Refresh(string folder, TextWriter? warnings = null)
    {
        try { Write(folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or CliException or ArgumentException or RunFolderException
                                      or System.Text.Json.JsonException)
        {
            warnings?.WriteLine($"warning: {RunReportHtml.FileName} not updated ({e.Message})");
        }
    }

    /// <summary>Writes the report of <paramref name="folder"/>; returns its path.</summary>
    public static string Write(string folder)
    {
        var (command, note) = NextCommand(folder);
        var report = RunReportReader.Read(folder, command, note);
        string path = Path.Combine(report.Folder, RunReportHtml.FileName);
        AtomicFile.WriteAllText(path, RunReportHtml.Render(report));
        return path;
    }

    /// <summary><c>report --out DIR</c>: (re)writes the report of an existing run folder and prints its path.</summary>
    public static int Command(string outDir, TextWriter stdout)
    {
        string full = Path.GetFullPath(outDir);
        if (!File.Exists(Path.Combine(full, RunFolder.ConfigFile)))
            throw new CliException(Directory.Exists(full)
                ? $"{full} holds no {RunFolder.ConfigFile}, so it is not a run folder; pass the --out folder of a search or train run"
                : $"{full} does not exist; pass the --out folder of a search or train run");
        stdout.WriteLine($"report: {Write(full)}");
        return 0;
    }

    /// <summary>The command to run next on the run in <paramref name="folder"/>, and what it does (nulls when none).</summary>
    public static (string? Command, string? Note) NextCommand(string folder)
    {
        var run = RunFolder.Existing(folder);
        string json = run.ReadConfig();
        string resume = $"{CliApp.Invocation} --resume --out {CliApp.Quote(run.Path)}";
        if (File.Exists(run.File(TrainAction.ArchitectureFile)))
        {
            var o = SearchAction.StoredOptions(json, run.ConfigPath);
            return File.Exists(run.File(TrainAction.ModelFile))
                ? (TrainAction.EvalCommand(o, run), "Re-scores the saved model on the test set.")
                : ($"{CliApp.Invocation} train --resume --out {CliApp.Quote(run.Path)}", "Continues the training from its last checkpoint (if it was stopped).");
        }
        bool recurrent = System.Text.Json.Nodes.JsonNode.Parse(json)?["space"]?.GetValue<string>() == RnnSpace.SpaceName;
        if (recurrent)
            return MetricsLog.ReadAll(run.MetricsPath).Any(r => (string?)r["kind"] == "derive")
                ? (null, null)
                : (resume, "Continues the search from its last checkpoint (if it was stopped).");
        if (!File.Exists(run.File("summary.json")))
            return (resume, "Continues the search from its last checkpoint (if it was stopped).");
        var options = SearchAction.StoredOptions(json, run.ConfigPath);
        return (SearchAction.RetrainCommand(options, run), "Retrains the best architecture from scratch and measures its test accuracy.");
    }
}
