using System.Diagnostics;
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
using Enas.Search.Util;

namespace Enas.Search.Training;

/// <summary>One epoch of training from scratch: learning rate, train loss / accuracy (running, with augmentation,
/// dropout, drop-path and the aux term) and test loss / accuracy after it.</summary>
public readonly record struct RetrainEpoch(int Epoch, double LearningRate, double TrainLoss, double TrainAccuracy,
    double TestAccuracy, double TestLoss);

/// <summary>
/// Everything one retraining needs, epoch by epoch: fresh seeded weights, SGD Nesterov, the schedule, the batchers
/// (pure functions of the seed, epoch and index) and the dropout / drop-path generator. After any epoch its state can
/// be checkpointed, and a session restored from that checkpoint continues exactly as an uninterrupted one (on the CPU).
/// </summary>
public sealed class RetrainSession : IDisposable
{
    private static readonly int[] RestartBoundaries = [10, 30, 70, 150, 310, 630];

    private readonly SearchOptions _o;
    private readonly Device _device;
    private readonly FreshWeights _fresh;
    private readonly ChildNetwork _child;
    private readonly ChildSgd _sgd;
    private readonly CosineWithRestarts _schedule;
    private readonly Batcher _batcher, _testBatches;
    private readonly XoshiroRandom _rng;
    private readonly Stopwatch _clock = new();
    private readonly DataParallel? _parallel;
    private readonly DataParallelStep? _sharded;
    private double _priorSeconds;

    /// <summary>Builds the network with fresh weights (seeded by the options' seed) and the optimiser. With a sharded
    /// <paramref name="parallel"/> (an mpirun job), every step trains this rank's shard of the global batch and sums the
    /// gradients over the ranks (<see cref="DataParallelStep"/>), and after every epoch's training the ranks average
    /// their batch-norm running statistics, so every rank holds the same model to test and save.</summary>
    public RetrainSession(ISearchSpace space, Architecture architecture, SearchOptions o, ImageDataset train, ImageDataset test, Device device,
        DataParallel? parallel = null)
    {
        _parallel = parallel is { IsSharded: true } ? parallel : null;
        _sharded = _parallel is null ? null : new DataParallelStep(_parallel);
        (_o, _device, Architecture) = (o, device, architecture);
        var r = o.Retrain;
        Network = Retrainer.Network(space, o, train);
        _fresh = new FreshWeights(SeedStreams.RetrainWeights(o.Seed), device);
        _child = ChildBuilder.Build(space, architecture, Network, _fresh, device);
        _sgd = new ChildSgd(_fresh.Parameters, 0.9, r.L2, o.GradClip);
        _schedule = IsRestartBoundary(r.Epochs)
            ? new CosineWithRestarts(r.LrMax, r.LrMin, 10, 2)
            : new CosineWithRestarts(r.LrMax, r.LrMin, r.Epochs, 1);
        var augment = new Augmenter(new AugmentOptions(r.CropPadding, r.Flip, r.Cutout));
        _batcher = new Batcher(train, r.BatchSize, SeedStreams.RetrainBatches(o.Seed), shuffle: true, augmenter: augment);
        _testBatches = new Batcher(test, Math.Max(r.BatchSize, 100), 0, shuffle: false);
        _rng = new XoshiroRandom(SeedStreams.RetrainMasks(o.Seed));
        Description = $"retraining {space.Describe(architecture).ReplaceLineEndings(" | ")}: {_child.ParameterCount:N0} parameters " +
                      $"(C={Network.Channels}, layers={(space is MacroSpace m ? m.Layers : Network.Layers)}{(space is MicroSpace ? $", {r.Network} cells" : "")}), " +
                      $"{ProgressReporter.Count(r.Epochs, "epoch")} on {train.Count} images";
        DropPathAnneals = AnnealsDropPath(space, o);
    }

    /// <summary>The architecture trained.</summary>
    public Architecture Architecture { get; }

    /// <summary>The network's sizes.</summary>
    public NetworkOptions Network { get; }

    /// <summary>The weights (parameters and batch-norm statistics).</summary>
    public FreshWeights Weights => _fresh;

    /// <summary>Trainable scalars.</summary>
    public long ParameterCount => _child.ParameterCount;

    /// <summary>"retraining ARCH: N parameters (C=.., layers=..), E epochs on N images".</summary>
    public string Description { get; }

    /// <summary>Epochs the run trains in all.</summary>
    public int Epochs => _o.Retrain.Epochs;

    /// <summary>Epochs done (after a restore, the checkpoint's).</summary>
    public int EpochsDone { get; private set; }

    /// <summary>SGD steps per epoch.</summary>
    public int StepsPerEpoch => _batcher.BatchesPerEpoch;

    /// <summary>Training accuracy of the last epoch done.</summary>
    public double TrainAccuracy { get; private set; }

    /// <summary>Test accuracy after the last epoch done.</summary>
    public double TestAccuracy { get; private set; }

    /// <summary>Training seconds so far (those of earlier processes included).</summary>
    public double Seconds => _priorSeconds + _clock.Elapsed.TotalSeconds;

    /// <summary>Whether drop-path is on and anneals over all the epochs (so the epoch count shapes every epoch).</summary>
    public bool DropPathAnneals { get; }

    /// <summary>Whether a retraining of <paramref name="space"/> with <paramref name="o"/> anneals drop-path over its epochs.</summary>
    public static bool AnnealsDropPath(ISearchSpace space, SearchOptions o) => space is MicroSpace && o.Retrain.DropPathKeep < 1;

    /// <summary>Epoch counts at which the learning rate follows SGDR (T0 = 10, Tmul = 2), independent of the total;
    /// any other count is one cosine over all the epochs.</summary>
    public static bool IsRestartBoundary(int epochs) => RestartBoundaries.Contains(epochs);

    /// <summary>
    /// Null when a run started with <paramref name="storedEpochs"/> epochs may go on to <paramref name="epochs"/>
    /// and train exactly what a run started with <paramref name="epochs"/> would; otherwise why not.
    /// </summary>
    public static string? EpochChangeProblem(int storedEpochs, int epochs, bool dropPathAnneals)
    {
        if (epochs == storedEpochs) return null;
        var why = new List<string>();
        if (!(IsRestartBoundary(storedEpochs) && IsRestartBoundary(epochs)))
            why.Add($"the learning rate is one cosine over all --epochs ({storedEpochs} here), so another count changes the epochs " +
                    $"already trained (only SGDR restart counts {string.Join(", ", RestartBoundaries)} extend one another)");
        if (dropPathAnneals)
            why.Add("drop-path anneals over all --epochs, so another count changes every epoch's drop rate");
        return why.Count == 0 ? null : string.Join("; and ", why);
    }

    /// <summary>
    /// Trains the epochs left (at most up to <paramref name="stopAfterEpochs"/>, to simulate an interruption), one
    /// "retrain" metrics line each, then calls <paramref name="afterEpoch"/> (the checkpoint). Prints a duration
    /// estimate from the first steady steps and again from the first epoch.
    /// </summary>
    public void Run(MetricsLog? metrics, ProgressReporter progress, Action<RetrainSession>? afterEpoch = null,
        int stopAfterEpochs = int.MaxValue)
    {
        _clock.Start();
        int first = EpochsDone;
        while (EpochsDone < Epochs && EpochsDone < stopAfterEpochs)
        {
            var t0 = _clock.Elapsed;
            var e = RunEpoch(progress, first == EpochsDone);
            metrics?.Write("retrain", ("epoch", e.Epoch), ("lr", e.LearningRate), ("train_loss", e.TrainLoss),
                ("train_accuracy", e.TrainAccuracy), ("test_accuracy", e.TestAccuracy), ("test_loss", e.TestLoss),
                ("seconds", Seconds));
            progress.Message($"retrain epoch {e.Epoch}/{Epochs}: loss {e.TrainLoss:F4}, train acc {e.TrainAccuracy:P2}, " +
                             $"test loss {e.TestLoss:F4}, test acc {e.TestAccuracy:P2}");
            afterEpoch?.Invoke(this);
            int left = Epochs - EpochsDone;
            if (e.Epoch == first + 1 && left > 0)
                progress.Message(ProgressReporter.RemainingEpochsLine(left, _clock.Elapsed - t0, "the end of this training"));
        }
        _clock.Stop();
    }

    private RetrainEpoch RunEpoch(ProgressReporter progress, bool estimate)
    {
        int epoch = EpochsDone, steps = StepsPerEpoch, epochs = Epochs;
        _sgd.LearningRate = _schedule.LearningRateAt(epoch);
        progress.Start($"retrain epoch {epoch + 1}/{epochs}", steps);
        var tally = new StepTally();
        var timer = new StepTimer(warmup: 5, window: 10);
        for (int b = 0; b < steps; b++)
        {
            var batch = _batcher.GetBatch(epoch, b);
            double progressed = (epoch * (double)steps + b) / (epochs * (double)steps);
            string NonFinite(double value) => $"retraining loss became {value} at epoch {epoch + 1}, step {b + 1}";
            if (_sharded is not null) _sharded.Run(_child, batch, _rng, _o.AuxWeight, _device, NonFinite, tally, progressed);
            else tally.Add(ChildStep.ForwardBackward(_child, batch, new ForwardContext(true, _rng, progressed), _o.AuxWeight, _device, NonFinite));
            _sgd.Step();
            if (estimate && timer.Lap() && timer.SecondsPerStep is { } perStep)
                progress.Message(EstimateLine(perStep, timer));
            progress.Report(b + 1);
        }
        if (_parallel is not null)
        {
            tally.SumOver(_parallel.Communicator);
            AverageStatistics(_parallel.Communicator);
        }
        var test = Evaluator.Score(_child, _testBatches, _device, new ForwardContext(false, _rng));
        EpochsDone = epoch + 1;
        (TrainAccuracy, TestAccuracy) = (tally.Accuracy, test.Accuracy);
        return new RetrainEpoch(epoch + 1, _sgd.LearningRate, tally.MeanLoss, tally.Accuracy, test.Accuracy, test.Loss);
    }

    /// <summary>Replaces every batch-norm running statistic by its mean over the ranks (one all-reduce of one flat
    /// buffer). Each rank's statistics followed its own shards' batch statistics; the mean of the running means is the
    /// running mean of the ranks' mean batch means (the update is linear), and the running variances average the
    /// per-rank batch variances (without the spread between the ranks' means), as DistributedDataParallel without
    /// SyncBatchNorm leaves them on rank 0.</summary>
    private void AverageStatistics(ICommunicator communicator)
    {
        var buffers = _fresh.Buffers;
        var flat = new float[buffers.Sum(b => b.Tensor.ElementCount)];
        int at = 0;
        foreach (var (_, t) in buffers)
        {
            t.ToFloatArray().CopyTo(flat, at);
            at += (int)t.ElementCount;
        }
        communicator.AllReduceSum(flat);
        float scale = 1f / communicator.Size;
        at = 0;
        foreach (var (_, t) in buffers)
        {
            var part = flat.AsSpan(at, (int)t.ElementCount).ToArray();
            for (int i = 0; i < part.Length; i++) part[i] *= scale;
            t.Backend.Upload<float>(part, t.Buffer);
            at += part.Length;
        }
    }

    /// <summary>The start-up estimate: steady step time x steps left, plus the test passes.</summary>
    private string EstimateLine(double perStep, StepTimer timer)
    {
        int epochsLeft = Epochs - EpochsDone;
        var total = TimeSpan.FromSeconds(RetrainEstimate.Seconds(perStep, StepsPerEpoch, epochsLeft,
            _testBatches.BatchesPerEpoch, _testBatches.BatchSize / (double)_batcher.BatchSize));
        return $"expected time: about {ProgressReporter.FormatDuration(total)} for {ProgressReporter.Count(epochsLeft, "epoch")} " +
               $"({StepsPerEpoch} steps each at {perStep:0.###} s, the median of steps {timer.Warmup + 1}-{timer.Warmup + timer.Window} " +
               "just now, plus a test pass per epoch)";
    }

    /// <summary>The outcome so far: last test and train accuracy, parameters, epochs done, seconds.</summary>
    public RetrainResult Result() => new(TestAccuracy, TrainAccuracy, ParameterCount, EpochsDone, Seconds);

    /// <summary>Writes the checkpoint: weights, statistics, velocities and <see cref="RetrainState"/>.</summary>
    public void Save(string path, long metricsBytes, string configJson)
    {
        var state = new RetrainState
        {
            Kind = RetrainState.TrainKind, EpochsDone = EpochsDone, Steps = _sgd.StepCount, DropoutRng = _rng.GetState(), MetricsBytes = metricsBytes,
            Seconds = Seconds, Parameters = ParameterCount, TrainAccuracy = TrainAccuracy, TestAccuracy = TestAccuracy,
            Architecture = Architecture.ToOfficialString(), ConfigJson = configJson,
        };
        Checkpoint.Write(path, JsonSerializer.Serialize(state, SearchJsonContext.Default.RetrainState),
            _fresh.ToEntries().Concat(_sgd.StateEntries()));
    }

    /// <summary>The SHA-256 of the weights, statistics, optimiser state, step count and generator state: equal on every
    /// rank of a data-parallel run that trains the same (<see cref="ReplicaCheck"/>).</summary>
    public byte[] ReplicaHash() =>
        ReplicaCheck.Hash(_fresh.ToEntries().Concat(_sgd.StateEntries()), _rng.GetState().Append((ulong)_sgd.StepCount));

    /// <summary>Reads and verifies a train checkpoint's state (not its tensors).</summary>
    /// <exception cref="InvalidDataException">Corrupt, or not a train checkpoint.</exception>
    public static RetrainState ReadState(string path) => Parse(Checkpoint.Read(path).MetadataJson, path);

    /// <summary>Loads a checkpoint written by <see cref="Save"/>; returns its state.</summary>
    public RetrainState Restore(string path)
    {
        var (meta, entries) = Checkpoint.Read(path);
        var state = Parse(meta, path);
        if (state.Architecture != Architecture.ToOfficialString())
            throw new InvalidDataException($"checkpoint '{path}' trained architecture {state.Architecture}, not {Architecture.ToOfficialString()}");
        _fresh.Load(entries, $"checkpoint '{path}'");
        _sgd.LoadStateEntries(entries);
        _sgd.StepCount = state.Steps;
        _rng.SetState(state.DropoutRng);
        (EpochsDone, _priorSeconds, TrainAccuracy, TestAccuracy) = (state.EpochsDone, state.Seconds, state.TrainAccuracy, state.TestAccuracy);
        return state;
    }

    private static RetrainState Parse(string meta, string path)
    {
        RetrainState? state;
        try { state = JsonSerializer.Deserialize(meta, SearchJsonContext.Default.RetrainState); }
        catch (JsonException e) { throw new InvalidDataException($"checkpoint '{path}': unreadable train state ({e.Message})"); }
        if (state is null || state.Kind != RetrainState.TrainKind)
            throw new InvalidDataException($"checkpoint '{path}' is not a train checkpoint (a search's checkpoint? continue a search with --resume --out DIR, without train)");
        if (state.DropoutRng.Length != 4)
            throw new InvalidDataException($"checkpoint '{path}': the train state lacks the dropout generator's state");
        return state;
    }

    /// <summary>Frees the weights and the optimiser.</summary>
    public void Dispose()
    {
        _sgd.Dispose();
        _fresh.Dispose();
    }
}

/// <summary>The arithmetic of a retraining's duration estimate.</summary>
public static class RetrainEstimate
{
    /// <summary>A test (forward-only) pass per image costs about this share of a training step's time per image
    /// (forward, backward and update).</summary>
    public const double ForwardShare = 1.0 / 3;

    /// <summary>Seconds for <paramref name="epochs"/> epochs of <paramref name="steps"/> steps at
    /// <paramref name="perStep"/> s each, plus a test pass of <paramref name="testBatches"/> batches per epoch, each
    /// <paramref name="testBatchRatio"/> times a training batch.</summary>
    public static double Seconds(double perStep, int steps, int epochs, int testBatches, double testBatchRatio) =>
        epochs * perStep * (steps + testBatches * testBatchRatio * ForwardShare);
}
