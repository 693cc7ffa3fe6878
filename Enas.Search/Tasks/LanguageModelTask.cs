using Enas.Engine;
using Enas.Engine.Optim;
using Enas.Engine.Serialization;
using Enas.Search.Controller;
using Enas.Search.Distributed;
using Enas.Search.Data;
using Enas.Search.Network.Recurrent;
using Enas.Search.Randomness;
using Enas.Search.Reporting;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Training;
using Enas.Search.Util;

namespace Enas.Search.Tasks;

/// <summary>
/// Language modelling (the recurrent-cell search on a word corpus): a language model whose cell bank is shared by
/// every cell of the space, trained by truncated BPTT with a sampled cell per window and judged after every epoch
/// (<see cref="RnnTrainingHealth"/>); the controller's reward is c / validation perplexity
/// (<see cref="LanguageModelReward"/>); derive scores on the first validation windows and may then train the best
/// candidates briefly (<see cref="RnnDeriveTrials"/>). Retraining is <see cref="RnnRetrain"/>.
/// </summary>
public sealed class LanguageModelTask : ISearchTask, ITaskCheckpoint
{
    private readonly RnnSearchOptions _o;
    private readonly WordCorpus _corpus;
    private readonly TokenBatches _train, _valid;
    private readonly LanguageModel _lm;
    private readonly EnasRecurrentCore _core;
    private readonly Sgd _sgd;
    private readonly StepDecay _schedule;
    private readonly LanguageModelReward _reward;
    private readonly List<RnnEpochHealth> _health = [];
    private readonly ICommunicator _world;
    private readonly LmDataParallel? _parallel;

    /// <summary>Sets up the shared language model and its optimiser on <paramref name="device"/> (the CPU when null;
    /// shared training, reward scoring and derive run there). Over several ranks of <paramref name="world"/> (default
    /// <see cref="World.Communicator"/>; every rank builds the same replica from the seed) shared training is
    /// data-parallel over the token streams (<see cref="LmDataParallel"/>) and the controller's rewards and derive's
    /// scores are split over the ranks, each computed whole by one rank on the whole validation batch.</summary>
    public LanguageModelTask(RnnSearchOptions options, WordCorpus corpus, Device? device = null, ICommunicator? world = null)
    {
        Device = device ?? Device.Cpu;
        _world = world ?? World.Communicator;
        _parallel = LmDataParallel.Of(_world);
        _parallel?.Shard(options.BatchSize); // a batch with fewer streams than ranks stops here
        (_o, _corpus) = (options, corpus);
        Space = new RnnSpace(options.Nodes, options.FirstNodeTanh);
        _train = new TokenBatches(corpus.Train, options.BatchSize);
        _valid = new TokenBatches(corpus.Valid, options.BatchSize);
        var init = new XoshiroRandom(options.Seed);
        var controllerRng = init.Fork();
        var trainRng = init.Fork();
        Streams = new SearchStreams(trainRng, controllerRng, init.Fork());
        var bank = new RnnWeightBank(options.Nodes, options.Hidden, options.Hidden, options.EffectiveCellInitRange, init.Fork(),
            device: Device);
        var first = Space.Decode(new RandomController(Space).Sample(init.Fork()).Architecture);
        _core = new EnasRecurrentCore(bank, first, options.MaxHiddenNorm, options.CellOutput);
        _lm = new LanguageModel(corpus.Vocabulary.Count, _core, options.InitRange, init.Fork(), device: Device);
        ControllerSeed = init.NextUInt64();
        _sgd = new Sgd(_lm.Parameters(), options.LearningRate, momentum: 0, weightDecay: options.WeightDecay);
        _schedule = new StepDecay(options.LearningRate, options.LrDecay, options.DecayStart);
        int windows = _valid.WindowCount(options.Bptt);
        _reward = new LanguageModelReward(ScoreOnWindows, LanguageModelReward.FixedWindows(options.RewardWindows, windows), windows,
            controllerRng, options.RewardConstant);
        ConfigIdentity = RnnConfigIdentity.Of(options);
    }

    /// <summary>The space searched.</summary>
    public RnnSpace Space { get; }

    ISearchSpace ISearchTask.Space => Space;

    /// <summary>Where the shared language model trains and is scored (the controller stays on the CPU).</summary>
    public Device Device { get; }

    /// <summary>Shared parameters (fixed, whatever cell is sampled): embedding, softmax bias and the cell bank.</summary>
    public long SharedParameterCount => _lm.Module.ParameterCount();

    /// <summary>One line describing the shared weights.</summary>
    public string Summary => $"{_core.Weights.Summary()}; language model total {SharedParameterCount:N0} parameters";

    /// <summary>Windows per shared-training epoch.</summary>
    public int StepsPerEpoch => Math.Min(_o.MaxWindowsPerEpoch, _train.WindowCount(_o.Bptt));

    /// <inheritdoc />
    public SearchStreams Streams { get; }

    /// <inheritdoc />
    public ulong ControllerSeed { get; }

    /// <inheritdoc />
    public IControllerReward Reward => _reward;

    /// <inheritdoc />
    public ICommunicator Processes => _world;

    /// <inheritdoc />
    public bool HigherIsBetter => false;

    /// <inheritdoc />
    public ITaskCheckpoint Checkpoint => this;

    /// <summary>The options' text form (resume refuses another one, derive-only options and more epochs aside).</summary>
    public string ConfigIdentity { get; }

    /// <summary>Every epoch's shared training as the divergence check saw it (the diverged one last, after a
    /// <see cref="TrainingDivergedException"/>).</summary>
    public IReadOnlyList<RnnEpochHealth> Health => _health;

    /// <summary>Why the divergence check judged the last epoch unstable or diverged (null when it was healthy).</summary>
    public string? LastHealthReason { get; private set; }

    /// <summary>The epochs whose shared training was unstable (more than <see cref="RnnTrainingHealth.WarnFraction"/>
    /// of the windows skipped): a cell derived after them carries <see cref="RnnTrainingHealth.ResultWarning"/>.</summary>
    public IReadOnlyList<RnnEpochHealth> UnstableEpochs => [.. _health.Where(h => h.SkippedFraction > RnnTrainingHealth.WarnFraction)];

    /// <inheritdoc />
    public (XoshiroRandom Policy, XoshiroRandom Uniform) DeriveStreams() =>
        (new XoshiroRandom(SeedStreams.RecurrentDerivePolicy(_o.Seed)), new XoshiroRandom(SeedStreams.RecurrentDeriveUniform(_o.Seed)));

    /// <summary>Truncated-BPTT training of the shared model, a cell from <paramref name="sample"/> per window, then the
    /// divergence check: a diverged epoch is logged as a "diverged" record and throws
    /// <see cref="TrainingDivergedException"/> (before the controller phase).</summary>
    public IEpochLog TrainShared(int epoch, Func<Architecture> sample, MetricsLog metrics, Action<int, int>? onStep)
    {
        double lr = _schedule.LearningRateAt(epoch);
        _sgd.LearningRate = lr;
        _lm.Module.Train();
        var shared = LmTrainer.Epoch(_lm, _sgd, _train, _o.Bptt, _o.Dropout, _o.GradClip, Streams.Dropout,
            _ => _core.SetCell(Space.Decode(sample())), _o.MaxWindowsPerEpoch, onStep, _parallel);
        _health.Add(new RnnEpochHealth(epoch + 1, shared.Loss, shared.Diverged, shared.Windows));
        var (verdict, reason) = RnnTrainingHealth.Judge(_health, _corpus.Vocabulary.Count);
        LastHealthReason = reason;
        var h = _health[^1];
        if (verdict == RnnHealthVerdict.Diverged)
        {
            metrics.Write("diverged", ("epoch", h.Epoch), ("train_loss", h.TrainLoss), ("diverged_windows", h.Skipped),
                ("windows", h.Windows), ("reason", reason));
            throw new TrainingDivergedException($"recurrent shared training diverged in {h}: {reason}; {RnnTrainingHealth.Advice(_o)}");
        }
        string? unstable = verdict == RnnHealthVerdict.Unstable
            ? $"shared training unstable in {h}: {reason}, so it may be diverging; {RnnTrainingHealth.Advice(_o)}"
            : null;
        return new LanguageModelEpochLog(lr, shared, unstable);
    }

    /// <summary>Derive scores uniform cells only against a learning controller (a random one IS uniform sampling).</summary>
    public bool ScoresUniform(bool controllerLearns) => controllerLearns;

    /// <summary>Perplexity of each cell with the shared weights on the first <see cref="RnnSearchOptions.DeriveWindows"/>
    /// validation windows (the same for all); +infinity for a cell whose outputs overflow.</summary>
    public double[] ScoreCandidates(IReadOnlyList<Architecture> architectures, XoshiroRandom rng, Action<int, int>? onStep)
    {
        var windows = Enumerable.Range(0, Math.Min(_o.DeriveWindows, _valid.WindowCount(_o.Bptt))).ToArray();
        return SplitWork.Run(_world, architectures.Count, 1, (i, score) =>
        {
            double ppl = ScoreOnWindows(architectures[i], windows);
            score[0] = double.IsFinite(ppl) ? ppl : double.PositiveInfinity;
        }, i => onStep?.Invoke(i + 1, architectures.Count));
    }

    /// <summary>Validation perplexity of <paramref name="arch"/> with the shared weights on the given windows
    /// (state carried from the first of them on, no dropout). NaN or infinity when the cell's outputs overflow.</summary>
    public double ScoreOnWindows(Architecture arch, IReadOnlyList<int> windows)
    {
        _core.SetCell(Space.Decode(arch));
        var starts = _valid.WindowStarts(_o.Bptt).ToArray();
        var (total, count) = LmEvaluation.LossOverWindows(_lm, _valid, windows.Select(w => starts[w]), _o.Bptt);
        return Math.Exp(total / count);
    }

    /// <inheritdoc />
    public PolicyVsUniform ComparePolicy(IReadOnlyCollection<double> policy, IReadOnlyCollection<double> uniform) =>
        PolicyVsUniform.OfPerplexity(policy, uniform);

    /// <summary>Logs policy vs uniform, chooses by short training when asked (<see cref="RnnSearchOptions.DeriveTrainTop"/>),
    /// and logs the derived cell with the warning of any unstable epoch.</summary>
    public SearchOutcome FinishDerive(DeriveOutcome derive, MetricsLog metrics, ProgressReporter progress, TimeSpan elapsed)
    {
        if (derive.Check is { } check) metrics.Write("policy_vs_uniform", check.MetricsFields());
        var best = derive.Ranked[0];
        if (_o.DeriveTrainTop > 0) best = ChooseByTraining(derive.Ranked, metrics, progress.Message);
        string? warning = RnnTrainingHealth.ResultWarning(UnstableEpochs, _o);
        (string, object?)[] derived =
        [
            ("candidates", derive.Ranked.Count), ("best", best.Architecture.ToOfficialString()),
            ("shared_weight_valid_ppl", best.Score), ("seconds", elapsed.TotalSeconds),
        ];
        metrics.Write("derive", warning is null ? derived : [.. derived, ("warning", warning)]);
        return new SearchOutcome(derive.Ranked, best, derive.Check, Warning: warning);
    }

    /// <summary>--derive-train: trains the best shared-weight candidates briefly from scratch, logs each trial to the
    /// metrics and the ranking to <paramref name="log"/>, and returns the winner.</summary>
    private ScoredArchitecture ChooseByTraining(IReadOnlyList<ScoredArchitecture> ranked, MetricsLog metrics, Action<string> log)
    {
        var trials = RnnDeriveTrials.Run(Space, ranked, _o.DeriveTrainTop, _o.DeriveTrainEpochs, _corpus, _o, log, Device);
        log($"derive by training ({_o.DeriveTrainEpochs} epochs from scratch each; validation perplexity, NOT final numbers):");
        foreach (var t in trials)
        {
            string cell = t.Candidate.Architecture.ToOfficialString();
            metrics.Write("derive_trial", ("cell", cell), ("shared_weight_valid_ppl", t.Candidate.Score),
                ("trial_valid_ppl", t.TrialValidPerplexity), ("trial_best_epoch", t.BestEpoch), ("epochs", _o.DeriveTrainEpochs));
            log($"  [{cell}]: shared-weight ppl {t.Candidate.Score:F1}, trained {t.TrialValidPerplexity:F1}");
        }
        return trials[0].Candidate;
    }

    /// <inheritdoc />
    public IEnumerable<CheckpointEntry> Weights() => ParameterEntries.Of("lm", [.. _lm.Parameters()]);

    /// <summary>None: the language model's SGD has no momentum.</summary>
    public IEnumerable<CheckpointEntry> OptimiserState() => [];

    /// <inheritdoc />
    public SearchState Save(SearchState state) => state with { ChildSteps = _sgd.StepCount, RnnEpochs = [.. _health] };

    /// <inheritdoc />
    public string? Refusal(SearchState stored, string path)
    {
        var differences = RnnConfigIdentity.Differences(stored.ConfigJson, _o);
        return differences.Count == 0
            ? null
            : $"cannot resume from '{path}': it was written with a different configuration " +
              $"({string.Join("; ", differences)}); leave those flags out to continue the run as it was (--resume reads its options " +
              "from the run's config.json), or start a new run with another --out";
    }

    /// <inheritdoc />
    public void Restore(SearchState state, IReadOnlyDictionary<string, CheckpointEntry> entries, string path)
    {
        ParameterEntries.Restore(entries, "lm", [.. _lm.Parameters()], path);
        _health.Clear();
        _health.AddRange(state.RnnEpochs ?? []); // checkpoints written before the check: judged from here on
        _sgd.StepCount = state.ChildSteps;
    }

    /// <summary>Frees the shared model and its optimiser.</summary>
    public void Dispose()
    {
        _sgd.Dispose();
        _lm.Dispose();
    }
}
