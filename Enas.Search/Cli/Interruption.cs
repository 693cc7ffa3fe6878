using System.Runtime.InteropServices;
using Enas.Engine.Serialization;

namespace Enas.Search.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM: the process waits for a file write in progress to finish (so nothing is left
/// half-written), says what was kept and how to continue, and exits with 130 (SIGINT) or 143 (SIGTERM).
/// </summary>
internal static class Interruption
{
    private static volatile RunToResume? _run;

    private sealed record RunToResume(string Folder, string Checkpoint);

    /// <summary>The run in progress can be continued with <c>--resume --out <paramref name="folder"/></c>;
    /// <paramref name="checkpoint"/> is the checkpoint it writes.</summary>
    public static void Resumable(string folder, string checkpoint) => _run = new RunToResume(folder, checkpoint);

    /// <summary>Handles SIGINT and SIGTERM for the lifetime of the returned registration, reporting on
    /// <paramref name="stderr"/>.</summary>
    public static IDisposable Install(TextWriter stderr)
    {
        var registrations = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }
            .Select(signal => PosixSignalRegistration.Create(signal, context => Handle(context, stderr))).ToList();
        return new Registrations(registrations);
    }

    private static void Handle(PosixSignalContext context, TextWriter stderr)
    {
        context.Cancel = true; // exit below, once the files are complete
        var hold = FileWrites.Stop(TimeSpan.FromSeconds(30)); // kept until the process ends: no write starts after it
        var run = _run;
        stderr.WriteLine();
        stderr.WriteLine(Message(run?.Folder, run is not null && File.Exists(run.Checkpoint), hold is not null));
        stderr.Flush();
        Environment.Exit(context.Signal == PosixSignal.SIGINT ? 130 : 143);
    }

    /// <summary>What an interruption prints: what was kept in <paramref name="folder"/> (null: no resumable run) and how
    /// to continue.</summary>
    internal static string Message(string? folder, bool hasCheckpoint, bool writesFinished)
    {
        string files = writesFinished ? "" : " (a file write did not finish in 30 s; a resume checks the checkpoint and refuses a damaged one)";
        if (folder is null) return $"interrupted: stopped{files}.";
        string kept = hasCheckpoint
            ? $"{folder} keeps its last checkpoint and every file complete{files}"
            : $"the run had not reached its first checkpoint, so --resume starts it again from the beginning{files}";
        return $"interrupted: {kept}. Continue it with:{Environment.NewLine}  {CliApp.Invocation} --resume --out {CliApp.Quote(folder)}";
    }

    private sealed class Registrations(List<PosixSignalRegistration> registrations) : IDisposable
    {
        public void Dispose() => registrations.ForEach(r => r.Dispose());
    }
}
