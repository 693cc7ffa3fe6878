using Enas.Search.Reporting;

namespace Enas.Search.Cli;

/// <summary>Training diverged (a NaN or infinite loss); the message says what the run folder kept and what to do.
/// Exit code <see cref="CliApp.Diverged"/>.</summary>
public sealed class DivergedException(string message) : Exception(message)
{
    /// <summary>The stop of the run in <paramref name="folder"/> after <paramref name="epochsDone"/> checkpointed epochs
    /// of <paramref name="epochs"/>: a run with no checkpoint is removed (so the same --out can be used again).</summary>
    public static DivergedException InRun(string problem, RunFolder folder, int epochsDone, int epochs)
    {
        if (folder.RemoveIfNothingSaved())
            return new DivergedException($"{problem}. Training stopped before its first checkpoint, so nothing was saved and " +
                                         $"the run's files were removed from {folder.Path}: run again (the same --out is free) " +
                                         "with a lower --lr-max or another --seed");
        return new DivergedException($"{problem}. Training stopped; {folder.Path} keeps the checkpoint after epoch {epochsDone} " +
                                     $"of {epochs}, but on the CPU a resume with the same options repeats the same steps: start " +
                                     "a new run with a lower --lr-max or another --seed, and another --out");
    }
}
