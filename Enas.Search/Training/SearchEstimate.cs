using Enas.Search.Reporting;

namespace Enas.Search.Training;

/// <summary>
/// The work a CNN search has left, counted in child training steps and child evaluations of one batch, and the
/// arithmetic that turns steady-state timings of one of each into a duration. Derive scores every candidate on the
/// same <c>--derive-batches</c> batches: the policy's distinct samples (its greedy pick too, when it learns; one
/// candidate for a fixed controller), then as many uniform samples for the comparison (a learning controller, or a
/// rank check); a rank check then trains each of its architectures alone.
/// </summary>
public sealed record SearchWorkload
{
    /// <summary>
    /// The rank check's training steps against the search's timed step: its networks train at the retraining's batch
    /// size with the retraining's regularisation. Measured once (December 2026, 2 vCPUs): 37m 44s estimated with this
    /// factor for 21 architectures x 2 epochs that took about 37 min.
    /// <para>Shared training and the controller phase take the timed step and evaluation as they are. Their earlier
    /// factors (1.15 and 1.2, for sampling, building the child, the batch, clipping and the updates) made the start-up
    /// estimate high in every run measured since: shared training 1.45x and 1.20x high, the controller 1.42x and 1.21x,
    /// against 1.26x and 1.05x, and 1.18x and 1.01x, without them (perf/RESULTS.md). The timed steps already carry most
    /// of that work, and the samples taken while the JIT still tiers up make them slightly slow.</para>
    /// </summary>
    public const double RankCheckOverhead = 1.15;

    /// <summary>Search epochs left.</summary>
    public int Epochs { get; init; }
    /// <summary>Search epochs left that run a controller phase (those after the --controller-warmup epochs).</summary>
    public int ControllerEpochs { get; init; }
    /// <summary>Shared-training steps per epoch.</summary>
    public int StepsPerEpoch { get; init; }
    /// <summary>Batch evaluations per controller phase (steps x samples x reward batches).</summary>
    public int ControllerEvaluations { get; init; }
    /// <summary>Architectures derive scores (policy candidates, then uniform ones).</summary>
    public int DeriveCandidates { get; init; }
    /// <summary>Batches each derive candidate is scored on.</summary>
    public int DeriveBatches { get; init; }
    /// <summary>Training steps of the rank check (architectures x epochs x steps per epoch).</summary>
    public int RankCheckSteps { get; init; }
    /// <summary>Batch evaluations of the rank check (architectures x epochs x validation batches).</summary>
    public int RankCheckEvaluations { get; init; }

    /// <summary>The work left of a search with <paramref name="o"/> after <paramref name="epochsDone"/> epochs.</summary>
    /// <param name="o">The search's options.</param>
    /// <param name="epochsDone">Epochs already trained.</param>
    /// <param name="stepsPerEpoch">Shared-training steps per epoch.</param>
    /// <param name="validationBatches">Validation batches of the search's batch size.</param>
    /// <param name="rankCheckStepsPerEpoch">Steps of one rank-check epoch (the retraining batch size).</param>
    /// <param name="learns">Whether the controller learns (a policy with a greedy pick, compared with uniform).</param>
    public static SearchWorkload Of(SearchOptions o, int epochsDone, int stepsPerEpoch, int validationBatches,
        int rankCheckStepsPerEpoch, bool learns)
    {
        int policy = o.Controller == "fixed" ? 1 : o.DeriveSamples + (learns ? 1 : 0);
        int uniform = o.ScoresUniform(learns) ? o.DeriveSamples : 0;
        int rankEpochs = o.RankCheck * (o.RankCheckEpochs ?? 2);
        return new SearchWorkload
        {
            Epochs = Math.Max(0, o.Epochs - epochsDone),
            ControllerEpochs = Math.Max(0, o.Epochs - Math.Max(epochsDone, o.ControllerWarmupEpochs)),
            StepsPerEpoch = stepsPerEpoch,
            ControllerEvaluations = o.ControllerSteps * o.ControllerAggregate * (o.RewardBatches ?? 1),
            DeriveCandidates = policy + uniform,
            DeriveBatches = Math.Min(o.DeriveBatches, validationBatches),
            RankCheckSteps = rankEpochs * rankCheckStepsPerEpoch,
            RankCheckEvaluations = rankEpochs * validationBatches,
        };
    }

    /// <summary>The duration of this work when a training step's forward and backward take
    /// <paramref name="trainStepSeconds"/> and a batch evaluation <paramref name="evalSeconds"/>.</summary>
    public SearchEstimate Estimate(double trainStepSeconds, double evalSeconds) => new(
        TimeSpan.FromSeconds(Epochs * StepsPerEpoch * trainStepSeconds),
        TimeSpan.FromSeconds(ControllerEpochs * ControllerEvaluations * evalSeconds),
        TimeSpan.FromSeconds(DeriveCandidates * DeriveBatches * evalSeconds),
        TimeSpan.FromSeconds(RankCheckSteps * trainStepSeconds * RankCheckOverhead + RankCheckEvaluations * evalSeconds));
}

/// <summary>Expected durations of what a search has left, by phase.</summary>
public sealed record SearchEstimate(TimeSpan SharedTraining, TimeSpan Controller, TimeSpan Derive, TimeSpan RankCheck)
{
    /// <summary>All phases together.</summary>
    public TimeSpan Total => SharedTraining + Controller + Derive + RankCheck;

    /// <summary>"2m 10s shared training, 20s controller, 1m 05s derive" (a rank check when there is one).</summary>
    public string Breakdown() =>
        $"{ProgressReporter.FormatDuration(SharedTraining)} shared training, {ProgressReporter.FormatDuration(Controller)} controller, " +
        $"{ProgressReporter.FormatDuration(Derive)} derive" +
        (RankCheck > TimeSpan.Zero ? $", {ProgressReporter.FormatDuration(RankCheck)} rank check" : "");
}
