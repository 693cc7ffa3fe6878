using System.Text.Json;
using Enas.Engine;
using Enas.Engine.Optim;
using Enas.Engine.Serialization;
using Enas.Search.Data;
using Enas.Search.Distributed;
using Enas.Search.Network;
using Enas.Search.Randomness;
using Enas.Search.Reporting;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Training;
using Enas.Search.Util;

namespace Enas.Search.Tasks;

/// <summary>
/// Image classification (the CNN search, micro or macro): shared weights in a <see cref="WeightBank"/> trained by SGD
/// Nesterov on a cosine-with-restarts schedule with one sampled child per minibatch; the controller's reward is a
/// child's accuracy on validation minibatches; derive scores on the same fixed validation batches, and a rank check
/// can follow. Retraining is the <c>train</c> command the CLI prints.
/// </summary>
public sealed class ImageClassificationTask : ISearchTask, ITaskCheckpoint
{
    private readonly SearchOptions _o;
    private readonly DataSplits _data;
    private readonly Device _device;
    private readonly NetworkOptions _network;
    private readonly WeightBank _bank;
    private readonly ChildSgd _sgd;
    private readonly CosineWithRestarts _schedule;
    private readonly Batcher _train, _deriveBatches;
    private readonly SharedTrainer _shared;
    private readonly ImageReward _reward;

    /// <summary>Builds the shared weights and batchers of <paramref name="options"/> over <paramref name="data"/>.</summary>
    /// <param name="options">The search settings.</param>
    /// <param name="data">The training and validation images.</param>
    /// <param name="device">Where the weights live and the steps run.</param>
    /// <param name="parallel">How shared training splits each batch over processes (null: one shard per rank of
    /// <see cref="World.Communicator"/>, i.e. the plain single-process step without mpirun). Every rank builds the
    /// same weights, controller and random streams from the seed; the controller phase and derive run whole on every
    /// rank and give the same results.</param>
    public ImageClassificationTask(SearchOptions options, DataSplits data, Device device, DataParallel? parallel = null)
    {
        (_o, _data, _device) = (options, data, device);
        Space = options.CreateSpace();
        var train = data.Train;
        _network = options.SearchNetwork(train.Channels, train.Height, train.ClassCount);
        ulong seed = options.Seed;
        _bank = ChildBuilder.CreateBank(Space, _network, SeedStreams.SearchWeights(seed), device);
        ControllerSeed = SeedStreams.SearchController(seed);
        _sgd = new ChildSgd(_bank.Parameters, 0.9, options.L2, options.GradClip);
        _schedule = new CosineWithRestarts(options.LrMax, options.LrMin, options.LrT0, options.LrTMul);
        Streams = new SearchStreams(new XoshiroRandom(SeedStreams.SearchTrainSamples(seed)),
            new XoshiroRandom(SeedStreams.SearchControllerSamples(seed)), new XoshiroRandom(SeedStreams.SearchDropout(seed)));
        var augment = new Augmenter(new AugmentOptions(options.Retrain.CropPadding, options.Retrain.Flip));
        _train = new Batcher(train, options.BatchSize, SeedStreams.SearchTrainBatches(seed), shuffle: true, dropLast: false, augmenter: augment);
        var rewardBatches = new Batcher(data.Validation, options.BatchSize, SeedStreams.SearchRewardBatches(seed), shuffle: true);
        _deriveBatches = new Batcher(data.Validation, options.BatchSize, SeedStreams.SearchDeriveBatches(seed), shuffle: false);
        Parallel = parallel ?? DataParallel.Of(World.Communicator);
        _shared = new SharedTrainer(Space, _bank, _sgd, _network, options.AuxWeight, device, Parallel);
        _reward = new ImageReward(Space, _bank, _network, rewardBatches, options.RewardBatches ?? 1, Streams.Controller, device);
        ConfigIdentity = JsonSerializer.Serialize(options, SearchJsonContext.Default.SearchOptions);
    }

    /// <inheritdoc />
    public ISearchSpace Space { get; }

    /// <inheritdoc />
    public long SharedParameterCount => _bank.ParameterCount;

    /// <inheritdoc />
    public int StepsPerEpoch => _train.BatchesPerEpoch;

    /// <inheritdoc />
    public SearchStreams Streams { get; }

    /// <inheritdoc />
    public ulong ControllerSeed { get; }

    /// <inheritdoc />
    public IControllerReward Reward => _reward;

    /// <inheritdoc />
    public ICommunicator Processes => Parallel.Communicator;

    /// <inheritdoc />
    public bool HigherIsBetter => true;

    /// <inheritdoc />
    public ITaskCheckpoint Checkpoint => this;

    /// <summary>How shared training splits each batch over processes.</summary>
    public DataParallel Parallel { get; }

    /// <summary>Bytes of the last shared-training step's gradient all-reduce (0 for one process).</summary>
    public long LastAllReduceBytes => _shared.LastAllReduceBytes;

    /// <summary>The options' JSON (resume refuses other training options).</summary>
    public string ConfigIdentity { get; }

    /// <summary>The data the search holds out and trains on.</summary>
    internal DataSplits Data => _data;

    /// <summary>The derive batches (the start-up estimate counts them).</summary>
    internal Batcher DeriveBatches => _deriveBatches;

    /// <summary>The training batches.</summary>
    internal Batcher TrainBatches => _train;

    /// <summary>The search network's settings.</summary>
    internal NetworkOptions Network => _network;

    /// <summary>The shared weights.</summary>
    internal WeightBank Bank => _bank;

    /// <inheritdoc />
    public (XoshiroRandom Policy, XoshiroRandom Uniform) DeriveStreams() =>
        (new XoshiroRandom(SeedStreams.SearchDerivePolicy(_o.Seed)), new XoshiroRandom(SeedStreams.SearchDeriveUniform(_o.Seed)));

    /// <inheritdoc />
    public IEpochLog TrainShared(int epoch, Func<Architecture> sample, MetricsLog metrics, Action<int, int>? onStep)
    {
        double lr = _schedule.LearningRateAt(epoch);
        _sgd.LearningRate = lr;
        return new ImageEpochLog(lr, _shared.RunEpoch(_train, epoch, sample, Streams.Dropout, onStep));
    }

    /// <inheritdoc />
    public bool ScoresUniform(bool controllerLearns) => _o.ScoresUniform(controllerLearns);

    /// <summary>Accuracy of each architecture with the shared weights on the first derive batches (the same for all;
    /// BN on batch statistics, no dropout). Over several ranks, rank r scores candidates r, r + N, ... and one
    /// all-reduce of the zero-filled scores gives every rank all of them (each is the exact count of hits / images,
    /// so the same as one process).</summary>
    public double[] ScoreCandidates(IReadOnlyList<Architecture> architectures, XoshiroRandom rng, Action<int, int>? onStep)
    {
        var ctx = new ForwardContext(false, rng);
        var fixedBatches = Enumerable.Range(0, Math.Min(_o.DeriveBatches, _deriveBatches.BatchesPerEpoch))
            .Select(b => _deriveBatches.GetBatch(0, b)).ToList();
        return SplitWork.Run(Parallel.Communicator, architectures.Count, 1,
            (i, score) => score[0] = Evaluator.Accuracy(ChildBuilder.Build(Space, architectures[i], _network, _bank, _device), fixedBatches, _device, ctx),
            i => onStep?.Invoke(i + 1, architectures.Count));
    }

    /// <inheritdoc />
    public PolicyVsUniform ComparePolicy(IReadOnlyCollection<double> policy, IReadOnlyCollection<double> uniform) =>
        PolicyVsUniform.OfAccuracy(policy, uniform);

    /// <summary>Logs derive and policy vs uniform, runs the rank check when asked, and builds summary.json.</summary>
    public SearchOutcome FinishDerive(DeriveOutcome derive, MetricsLog metrics, ProgressReporter progress, TimeSpan elapsed)
    {
        var ranked = derive.Ranked;
        var best = ranked[0];
        metrics.Write("derive", ("candidates", ranked.Count), ("best", best.Architecture.ToOfficialString()),
            ("shared_weight_accuracy", best.Score));
        if (derive.Check is { } check) metrics.Write("policy_vs_uniform", check.MetricsFields());
        RankCheckResult? rankCheck = null;
        if (_o.RankCheck > 0)
        {
            var picked = RankCheck.Pick(ranked, derive.Uniform, _o.RankCheck);
            rankCheck = RankCheck.Run(Space, picked, _o, _o.RankCheckEpochs ?? 2, _data, _device, metrics, progress,
                Parallel.Communicator);
            progress.Message(rankCheck.ToString());
        }
        var summary = new SearchSummary
        {
            BestArchitecture = best.Architecture.ToOfficialString(),
            Description = Space.Describe(best.Architecture),
            SharedWeightAccuracy = best.Score,
            SharedParameters = _bank.ParameterCount,
            Seconds = elapsed.TotalSeconds,
            PolicyVsUniform = derive.Check,
            RankCheck = rankCheck,
            Top = ranked.Take(5).Select(r => new TopCandidate(r.Architecture.ToOfficialString(), r.Score, r.Greedy)).ToList(),
        };
        return new SearchOutcome(ranked, best, derive.Check, summary);
    }

    /// <inheritdoc />
    public IEnumerable<CheckpointEntry> Weights() => ParameterEntries.Of("bank", _bank.Parameters);

    /// <inheritdoc />
    public IEnumerable<CheckpointEntry> OptimiserState() => _sgd.StateEntries();

    /// <inheritdoc />
    public SearchState Save(SearchState state) => state with { ChildSteps = _sgd.StepCount, RewardBatches = _reward.BatchesUsed };

    /// <inheritdoc />
    public string? Refusal(SearchState stored, string path)
    {
        var differences = SearchResumeCheck.Differences(stored.ConfigJson, _o);
        return differences.Count == 0
            ? null
            : $"cannot resume: the checkpoint in {Path.GetDirectoryName(Path.GetDirectoryName(path))} was written with other training options " +
              $"({string.Join("; ", differences)}); pass the original options or start a new --out folder";
    }

    /// <inheritdoc />
    public void Restore(SearchState state, IReadOnlyDictionary<string, CheckpointEntry> entries, string path)
    {
        ParameterEntries.Restore(entries, "bank", _bank.Parameters, path);
        _sgd.LoadStateEntries(entries);
        _sgd.StepCount = state.ChildSteps;
        _reward.BatchesUsed = state.RewardBatches;
    }

    /// <summary>Frees the shared weights and their optimiser.</summary>
    public void Dispose()
    {
        _sgd.Dispose();
        _bank.Dispose();
    }
}
