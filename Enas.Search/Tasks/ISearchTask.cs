using Enas.Engine.Serialization;
using Enas.Search.Controller;
using Enas.Search.Distributed;
using Enas.Search.Reporting;
using Enas.Search.Spaces;
using Enas.Search.Training;
using Enas.Search.Util;

namespace Enas.Search.Tasks;

/// <summary>
/// What a search trains and scores children on (image classification, language modelling): the shared weights and
/// their data, the controller's reward, the derive scores, the task's part of the checkpoint and of metrics.jsonl.
/// <c>Loop.EnasSearch</c> is the one loop that drives every task; it owns the controller.
/// </summary>
public interface ISearchTask : IDisposable
{
    /// <summary>The space searched.</summary>
    ISearchSpace Space { get; }

    /// <summary>Shared parameters (fixed, whatever child is sampled).</summary>
    long SharedParameterCount { get; }

    /// <summary>Shared-training steps per epoch (minibatches; BPTT windows).</summary>
    int StepsPerEpoch { get; }

    /// <summary>The generators the loop draws children and rewards from (checkpointed by the loop).</summary>
    SearchStreams Streams { get; }

    /// <summary>Seed of the LSTM controller's weights.</summary>
    ulong ControllerSeed { get; }

    /// <summary>Generators of derive: the policy's candidates, then the uniform ones (fresh each call, so derive does
    /// not depend on how many epochs this process ran).</summary>
    (XoshiroRandom Policy, XoshiroRandom Uniform) DeriveStreams();

    /// <summary>
    /// Trains the shared weights for epoch <paramref name="epoch"/> (0-based), a child from <paramref name="sample"/>
    /// for every step; <paramref name="onStep"/> gets (step, total). Throws <see cref="TrainingDivergedException"/>
    /// (after logging why to <paramref name="metrics"/>) when the search cannot continue.
    /// </summary>
    IEpochLog TrainShared(int epoch, Func<Architecture> sample, MetricsLog metrics, Action<int, int>? onStep);

    /// <summary>How a controller sample is scored.</summary>
    IControllerReward Reward { get; }

    /// <summary>The processes that share this task's work (each controller update's rewards are split over them);
    /// one process unless the run is data-parallel under mpirun.</summary>
    ICommunicator Processes { get; }

    /// <summary>Whether derive also scores uniformly drawn architectures (for policy vs uniform, or a rank check).</summary>
    bool ScoresUniform(bool controllerLearns);

    /// <summary>Whether a higher score is better (accuracy) or a lower one (perplexity).</summary>
    bool HigherIsBetter { get; }

    /// <summary>The shared-weight score of each architecture on the same fixed derive data, in order;
    /// <paramref name="rng"/> is the derive generator the candidates were drawn from.</summary>
    double[] ScoreCandidates(IReadOnlyList<Architecture> architectures, XoshiroRandom rng, Action<int, int>? onStep);

    /// <summary>Summarises the policy's and the uniform candidates' scores.</summary>
    PolicyVsUniform ComparePolicy(IReadOnlyCollection<double> policy, IReadOnlyCollection<double> uniform);

    /// <summary>Logs derive, picks the result (and runs what the task does after derive) and returns it.</summary>
    SearchOutcome FinishDerive(DeriveOutcome derive, MetricsLog metrics, ProgressReporter progress, TimeSpan elapsed);

    /// <summary>The task's checkpoint part: its tensors and scalar state.</summary>
    ITaskCheckpoint Checkpoint { get; }
}

/// <summary>The random generators of a search's loop: children of shared training, controller samples (and any
/// random reward data), dropout / drop-path.</summary>
public sealed record SearchStreams(XoshiroRandom Train, XoshiroRandom Controller, XoshiroRandom Dropout);

/// <summary>One epoch's shared training, ready to be logged with the controller phase that followed it.</summary>
public interface IEpochLog
{
    /// <summary>Writes the epoch's metrics records and returns the lines to print.</summary>
    IReadOnlyList<string> Write(MetricsLog metrics, EpochReport report);
}

/// <summary>What the loop knows of an epoch besides its shared training.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Epochs of the run.</param>
/// <param name="WarmupEpochs">Leading epochs without a controller phase.</param>
/// <param name="Phase">The controller phase (null in a warm-up epoch).</param>
/// <param name="Controller">The controller after the phase.</param>
/// <param name="SharedTime">Time of the shared training.</param>
/// <param name="PhaseTime">Time of the controller phase.</param>
/// <param name="Elapsed">Time since the loop (re)started.</param>
public sealed record EpochReport(int Epoch, int Epochs, int WarmupEpochs, ControllerPhaseResult? Phase, IController Controller,
    TimeSpan SharedTime, TimeSpan PhaseTime, TimeSpan Elapsed);

/// <summary>Derive's candidates: the policy's, ranked best first, the uniform ones in drawing order, and their
/// comparison (null for a controller that does not learn).</summary>
public sealed record DeriveOutcome(IReadOnlyList<ScoredArchitecture> Ranked, IReadOnlyList<ScoredArchitecture> Uniform,
    PolicyVsUniform? Check);

/// <summary>Result of a search.</summary>
/// <param name="Ranked">Derive candidates, best first.</param>
/// <param name="Best">The chosen one (the first, unless the task chose otherwise, e.g. by short training).</param>
/// <param name="Check">Policy vs uniform (null for a controller that does not learn).</param>
/// <param name="Summary">The CNN search's summary.json (null for other tasks).</param>
/// <param name="Warning">A warning the result carries (null when none).</param>
public sealed record SearchOutcome(IReadOnlyList<ScoredArchitecture> Ranked, ScoredArchitecture Best, PolicyVsUniform? Check,
    SearchSummary? Summary = null, string? Warning = null);

/// <summary>A task's part of the search checkpoint.</summary>
public interface ITaskCheckpoint
{
    /// <summary>The shared weights (written before the controller's).</summary>
    IEnumerable<CheckpointEntry> Weights();

    /// <summary>Optimiser state (written after the controller's weights).</summary>
    IEnumerable<CheckpointEntry> OptimiserState();

    /// <summary><paramref name="state"/> with the task's scalar state.</summary>
    SearchState Save(SearchState state);

    /// <summary>Why the checkpoint's state cannot be continued with this task's options (null when it can); checked
    /// before any tensor is read.</summary>
    string? Refusal(SearchState stored, string path);

    /// <summary>Restores the task's tensors and scalar state.</summary>
    void Restore(SearchState state, IReadOnlyDictionary<string, CheckpointEntry> entries, string path);

    /// <summary>The configuration identity stored in the checkpoint.</summary>
    string ConfigIdentity { get; }
}
