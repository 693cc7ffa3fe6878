namespace Enas.Engine.Serialization;

/// <summary>
/// File writes in progress, so that an interruption (Ctrl-C) can let them finish before the process exits: every
/// writer holds a shared hold while it writes; <see cref="Stop"/> waits for the writes in progress and then blocks new
/// ones, so no file is left half-written (checkpoints and atomic files would survive anyway; this also covers their
/// temporary files and the line being appended to a log).
/// </summary>
public static class FileWrites
{
    private static readonly ReaderWriterLockSlim Lock = new(LockRecursionPolicy.SupportsRecursion);

    /// <summary>Holds back <see cref="Stop"/> until the returned hold is disposed (on the same thread).</summary>
    public static Hold Begin()
    {
        Lock.EnterReadLock();
        return new Hold(Lock.ExitReadLock);
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the writes in progress, then blocks new ones until the
    /// returned hold is disposed (on the same thread); null when the writes did not finish in time.</summary>
    public static Hold? Stop(TimeSpan timeout) => Lock.TryEnterWriteLock(timeout) ? new Hold(Lock.ExitWriteLock) : null;

    /// <summary>A hold on the file writes; dispose it to release.</summary>
    public sealed class Hold : IDisposable
    {
        private Action? _release;

        internal Hold(Action release) => _release = release;

        /// <summary>Releases the hold (once).</summary>
        public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
    }
}
