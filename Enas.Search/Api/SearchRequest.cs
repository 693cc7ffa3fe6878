using Enas.Search.Training;

namespace Enas.Search.Api;

/// <summary>
/// A CNN search for <see cref="EnasSearchRunner"/>: the settings (a <see cref="SearchOptions"/>, e.g. a
/// <see cref="Presets"/> entry changed with <c>with</c>) and where the run lives. Everything else (data, device,
/// controller, derive) is in <see cref="Options"/>, exactly as the command line binds it.
/// </summary>
public sealed record SearchRequest
{
    /// <summary>The search settings (micro or macro space); validated before anything is read or written.</summary>
    public SearchOptions Options { get; init; } = new();

    /// <summary>The run folder: new or empty (or, with <see cref="Resume"/>, a run to continue); null makes
    /// <c>runs/SPACE-UTCDATE-TIME</c> under the current directory.</summary>
    public string? RunFolder { get; init; }

    /// <summary>Continue the run in <see cref="RunFolder"/> from its last checkpoint (the CLI's <c>--resume</c>).
    /// <see cref="Options"/> must be the run's (<see cref="EnasSearchRunner.ReadOptions"/>); only the settings that
    /// steer what follows training (more epochs, derive, rank check, retraining) may differ.</summary>
    public bool Resume { get; init; }

    /// <summary>Where the human-readable progress goes (the lines the CLI prints: phase progress, one line per epoch,
    /// the device); null writes nothing.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Measure the expected duration before the first epoch (a few throwaway training steps; no result
    /// changes) and report it in <see cref="SearchStarted.ExpectedDuration"/>.</summary>
    public bool EstimateDuration { get; init; }

    /// <summary>The least time between two <see cref="StepProgress"/> reports of a phase (its first and last step are
    /// always reported). Default 250 ms.</summary>
    public TimeSpan StepInterval { get; init; } = TimeSpan.FromMilliseconds(250);
}
