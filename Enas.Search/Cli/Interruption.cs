using System.Runtime.InteropServices;
using Enas.Engine.Serialization;

namespace Enas.Search.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM: the process waits for a file write in progress to finish (so nothing is left
/// half-written), says what was kept and how to continue, and exits with 130 (SIGINT) or 143 (SIGTERM).
/// While a search loop runs (<see cref="Cancellable"/>), the first signal instead cancels <see cref="Token"/>, the
/// token the CLI passes to the search as the library API's callers pass theirs: the loop stops at its next step
/// boundary with an <see cref="OperationCanceledException"/>, which <see cref="Stopped"/> turns into the same message
/// and exit code. A second signal, or a step that does not end within <see cref="Grace"/>, stops the process as above.
/// </summary>
internal static class Interruption
{
    /// <summary>How long a cancelled search has to reach its next step boundary before the process stops anyway.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    private static readonly CancellationTokenSource Cancel = new();
    private static volatile RunToResume? _run;
    private static int _cancellable;
    private static int _state; // 0: running; 1: the token was cancelled; 2: the message is out (the process is stopping)
    private static volatile int _exitCode = 130;
    private static volatile TextWriter? _stderr;

    /// <summary>Cancelled by the first SIGINT or SIGTERM while a search loop runs.</summary>
    public static CancellationToken Token => Cancel.Token;

    /// <summary>Marks a search loop that stops at its next step boundary when <see cref="Token"/> is cancelled, for the
    /// lifetime of the returned scope.</summary>
    public static IDisposable Cancellable()
    {
        Interlocked.Increment(ref _cancellable);
        return new Scope();
    }

    /// <summary>Whether <paramref name="e"/> is the cancellation a signal asked for.</summary>
    public static bool IsSignal(OperationCanceledException e) => Cancel.IsCancellationRequested && e.CancellationToken == Cancel.Token;

    /// <summary>After a signal's cancellation stopped the search: prints what was kept and how to continue on
    /// <paramref name="stderr"/> and returns the exit code (130 for SIGINT, 143 for SIGTERM).</summary>
    public static int Stopped(TextWriter stderr)
    {
        Report(stderr, writesFinished: true);
        return _exitCode;
    }

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
        _stderr = stderr;
        context.Cancel = true; // exit below, once the files are complete
        _exitCode = context.Signal == PosixSignal.SIGINT ? 130 : 143;
        if (Volatile.Read(ref _cancellable) > 0 && Interlocked.CompareExchange(ref _state, 1, 0) == 0)
        {
            Cancel.Cancel(); // the search stops at its next step boundary; CliApp reports it (Stopped)
            new Thread(() => { Thread.Sleep(Grace); Stop(stderr); }) { IsBackground = true }.Start();
            return;
        }
        Stop(stderr);
    }

    /// <summary>Waits for a file write in progress, says what was kept and exits.</summary>
    private static void Stop(TextWriter stderr)
    {
        var hold = FileWrites.Stop(TimeSpan.FromSeconds(30)); // kept until the process ends: no write starts after it
        if (Report(stderr, hold is not null)) Environment.Exit(_exitCode);
    }

    /// <summary>Prints the message once (false when it is already out: the other path is stopping the process).</summary>
    private static bool Report(TextWriter stderr, bool writesFinished)
    {
        if (Interlocked.Exchange(ref _state, 2) == 2) return false;
        var run = _run;
        stderr.WriteLine();
        stderr.WriteLine(Message(run?.Folder, run is not null && File.Exists(run.Checkpoint), writesFinished));
        stderr.Flush();
        return true;
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

    private sealed class Scope : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            Interlocked.Decrement(ref _cancellable);
            // A signal the loop did not see (it came after the loop's last step check, while the run wrote its outputs)
            // still stops the process now, as a signal outside a loop does, instead of being lost if the run ends
            // within the grace period.
            if (Volatile.Read(ref _state) == 1 && _stderr is { } stderr) Stop(stderr);
        }
    }

    private sealed class Registrations(List<PosixSignalRegistration> registrations) : IDisposable
    {
        public void Dispose() => registrations.ForEach(r => r.Dispose());
    }
}
