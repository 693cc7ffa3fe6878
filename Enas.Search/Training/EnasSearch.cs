using System.Diagnostics;
using System.Text.Json;
using Enas.Engine;
using Enas.Engine.Optim;
using Enas.Search.Controller;
using Enas.Search.Data;
using Enas.Search.Network;
using Enas.Search.Reporting;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Search.Training;

/// <summary>Result of a search: ranked derive candidates (best first) and the summary written to the run folder.</summary>
public sealed record SearchOutcome(IReadOnlyList<ScoredArchitecture> Ranked, SearchSummary Summary);

/// <summary>
/// Orchestrates ENAS: per epoch one pass of shared-weight training then one controller phase, a metrics line for
/// each, and a checkpoint; then derive. Resuming loads the last checkpoint and continues with identical random
/// streams, so on the CPU a resumed run ends exactly like an uninterrupted one.
/// </summary>
public sealed class EnasSearch : IDisposable
{
    /// <summary>Checkpoint file name inside the run's checkpoints folder.</summary>
    public const string CheckpointName = "last.ckpt";

    private readonly SearchOptions _o;
    private readonly string _configJson;
    private readonly DataSplits _data;
    private readonly Device _device;
    private readonly RunFolder _folder;
    private readonly ProgressReporter _progress;
    private readonly ISearchSpace _space;
    private readonly NetworkOptions _network;
    private readonly WeightBank _bank;
    private readonly IController _controller;
    private readonly Reinforce _reinforce;
    private readonly ChildSgd _sgd;
    private readonly CosineWithRestarts _schedule;
    private readonly XoshiroRandom _trainRng, _controllerRng, _dropRng;
    private readonly Batcher _train, _rewardBatches, _deriveBatches;
    private SearchState _state;

    /// <summary>Sets up the bank, controller and optimisers (and restores the checkpoint when the folder is resumed).</summary>
    public EnasSearch(SearchOptions options, DataSplits data, Device device, RunFolder folder, ProgressReporter progress)
    {
        _o = options;
        _configJson = JsonSerializer.Serialize(options, SearchJsonContext.Default.SearchOptions);
        (_data, _device, _folder, _progress) = (data, device, folder, progress);
        _space = options.CreateSpace();
        var train = data.Train;
        _network = options.SearchNetwork(train.Channels, train.Height, train.ClassCount);
        ulong seed = options.Seed;
        _bank = ChildBuilder.CreateBank(_space, _network, Mix(seed, 1), device);
        _controller = options.Controller switch
        {
            "random" => new RandomController(_space),
            "fixed" => new FixedController(_space, new Architecture(_space.Name, [.. options.FixedArchitecture!])),
            _ => new LstmController(_space, options.ControllerSettings, Mix(seed, 2)),
        };
        _reinforce = new Reinforce(_controller, options.ControllerSettings);
        _sgd = new ChildSgd(_bank.Parameters, 0.9, options.L2, options.GradClip);
        _schedule = new CosineWithRestarts(options.LrMax, options.LrMin, options.LrT0, options.LrTMul);
        (_trainRng, _controllerRng, _dropRng) = (new XoshiroRandom(Mix(seed, 3)), new XoshiroRandom(Mix(seed, 4)), new XoshiroRandom(Mix(seed, 5)));
        var augment = new Augmenter(new AugmentOptions(options.Retrain.CropPadding, options.Retrain.Flip));
        _train = new Batcher(train, options.BatchSize, Mix(seed, 6), shuffle: true, dropLast: false, augmenter: augment);
        _rewardBatches = new Batcher(data.Validation, options.BatchSize, Mix(seed, 7), shuffle: true);
        _deriveBatches = new Batcher(data.Validation, options.BatchSize, Mix(seed, 8), shuffle: false);
        _state = new SearchState { ConfigJson = _configJson };
        if (folder.IsResumed)
        {
            if (File.Exists(CheckpointPath)) Restore();
            else MetricsLog.TruncateTo(_folder.MetricsPath, 0); // interrupted before the first checkpoint: start over cleanly
        }
    }

    /// <summary>The search space.</summary>
    public ISearchSpace Space => _space;

    /// <summary>Shared parameters (fixed).</summary>
    public long SharedParameterCount => _bank.ParameterCount;

    /// <summary>Epochs already done (after a resume).</summary>
    public int EpochsDone => _state.EpochsDone;

    /// <summary>Path of the checkpoint.</summary>
    public string CheckpointPath => Path.Combine(_folder.CheckpointsPath, CheckpointName);

    /// <summary>Raised after each epoch's checkpoint is written (the CLI rewrites report.html then).</summary>
    public event Action? EpochFinished;

    /// <summary>Child training steps per epoch.</summary>
    public int StepsPerEpoch => _train.BatchesPerEpoch;

    private static ulong Mix(ulong seed, ulong stream) => seed * 0x9E3779B97F4A7C15UL + stream * 0xD1B54A32D192ED03UL + stream;

    private void Restore()
    {
        _state = SearchCheckpoint.Load(CheckpointPath, _bank, _controller, _sgd, _reinforce.Optimizer);
        var differences = SearchResumeCheck.Differences(_state.ConfigJson, _o);
        if (differences.Count > 0)
            throw new InvalidDataException($"cannot resume: the checkpoint in {_folder.Path} was written with other training options " +
                                           $"({string.Join("; ", differences)}); pass the original options or start a new --out folder");
        if (_o.Epochs < _state.EpochsDone)
            throw new InvalidDataException($"cannot resume with --epochs {_o.Epochs}: the run in {_folder.Path} has already trained " +
                                           $"{_state.EpochsDone} epochs (give --epochs {_state.EpochsDone} or more)");
        _state = _state with { ConfigJson = _configJson };
        _reinforce.Baseline = _state.Baseline;
        _trainRng.SetState(_state.TrainRng);
        _controllerRng.SetState(_state.ControllerRng);
        _dropRng.SetState(_state.DropoutRng);
        MetricsLog.TruncateTo(_folder.MetricsPath, _state.MetricsBytes);
    }

    /// <summary>Runs the remaining epochs, then derive. <paramref name="stopAfterEpochs"/> simulates an interruption (tests).</summary>
    public SearchOutcome? Run(int stopAfterEpochs = int.MaxValue)
    {
        var clock = Stopwatch.StartNew();
        var shared = new SharedTrainer(_controller, _bank, _sgd, _network, _o.AuxWeight, _device);
        var warmup = new SharedTrainer(new RandomController(_space), _bank, _sgd, _network, _o.AuxWeight, _device);
        var ctrl = new ControllerTrainer(_controller, _reinforce, _bank, _network, _device);
        using (var metrics = _folder.OpenMetrics())
        {
            int firstEpoch = _state.EpochsDone;
            for (int epoch = firstEpoch; epoch < _o.Epochs; epoch++)
            {
                if (epoch >= stopAfterEpochs) return null;
                var t0 = clock.Elapsed;
                double lr = _schedule.LearningRateAt(epoch);
                _sgd.LearningRate = lr;
                _progress.Start($"epoch {epoch + 1}/{_o.Epochs} shared weights", _train.BatchesPerEpoch);
                bool warm = epoch < _o.ControllerWarmupEpochs;
                var s = (warm ? warmup : shared).RunEpoch(_train, epoch, _trainRng, _dropRng, (i, n) => _progress.Report(i));
                metrics.Write("epoch", ("epoch", epoch + 1), ("lr", lr), ("train_loss", s.Loss),
                    ("shared_weight_train_accuracy", s.Accuracy), ("grad_norm", s.GradNorm), ("steps", s.Steps),
                    ("seconds", (clock.Elapsed - t0).TotalSeconds));
                long rewardBatches = _state.RewardBatches;
                string line = $"epoch {epoch + 1}/{_o.Epochs}: train loss {s.Loss:F4}, shared-weight train acc {s.Accuracy:P1}, ";
                if (warm)
                    line += $"uniform children, controller not trained yet (warm-up {epoch + 1}/{_o.ControllerWarmupEpochs})";
                else
                {
                    var t1 = clock.Elapsed;
                    _progress.Start($"epoch {epoch + 1}/{_o.Epochs} controller", _o.ControllerSteps);
                    var c = ctrl.RunPhase(_rewardBatches, _o.ControllerSteps, _o.ControllerAggregate, _controllerRng,
                        ref rewardBatches, (i, n) => _progress.Report(i), _o.RewardBatches ?? 1);
                    metrics.Write("controller", ("epoch", epoch + 1), ("reward", c.MeanReward),
                        ("shared_weight_valid_accuracy", c.MeanAccuracy), ("entropy", c.MeanEntropy), ("baseline", c.Baseline),
                        ("loss", c.MeanLoss), ("samples", c.Samples), ("seconds", (clock.Elapsed - t1).TotalSeconds));
                    line += $"controller reward {c.MeanReward:F4} (shared-weight valid acc {c.MeanAccuracy:P1}), entropy {c.MeanEntropy:F2}";
                }
                _progress.Message(line);
                _state = _state with
                {
                    EpochsDone = epoch + 1, Baseline = _reinforce.Baseline, ControllerSteps = _reinforce.Optimizer?.StepCount ?? 0,
                    ChildSteps = _sgd.StepCount, RewardBatches = rewardBatches, TrainRng = _trainRng.GetState(),
                    ControllerRng = _controllerRng.GetState(), DropoutRng = _dropRng.GetState(),
                    MetricsBytes = new FileInfo(_folder.MetricsPath).Length,
                };
                SearchCheckpoint.Save(CheckpointPath, _state, _bank, _controller, _sgd, _reinforce.Optimizer);
                EpochFinished?.Invoke();
                // The first real epoch gives the user a second estimate, from the run's own steps.
                int left = _o.Epochs - epoch - 1;
                if (epoch == firstEpoch && left > 0)
                    _progress.Message(ProgressReporter.RemainingEpochsLine(left, clock.Elapsed - t0, "derive"));
            }
            return Derive(metrics, clock);
        }
    }

    private SearchOutcome Derive(MetricsLog metrics, Stopwatch clock)
    {
        // A dedicated stream so derive does not depend on how many epochs this process ran.
        var rng = new XoshiroRandom(Mix(_o.Seed, 9));
        _progress.Start($"derive: scoring {_o.DeriveSamples} sampled architectures", _o.DeriveSamples + 1);
        var ranked = Deriver.Run(_controller, _bank, _network, _deriveBatches, _o.DeriveSamples, _o.DeriveBatches, rng, _device,
            (i, n) => _progress.Report(i));
        var best = ranked[0];
        metrics.Write("derive", ("candidates", ranked.Count), ("best", best.Architecture.ToOfficialString()),
            ("shared_weight_accuracy", best.SharedWeightAccuracy));
        PolicyVsUniform? check = null;
        IReadOnlyList<ScoredArchitecture> uniform = [];
        if (Deriver.ScoresUniform(_o, _controller.Learns))
        {
            _progress.Start($"derive: scoring {_o.DeriveSamples} uniformly sampled architectures for comparison", _o.DeriveSamples);
            uniform = Deriver.ScoreUniform(_space, _bank, _network, _deriveBatches, _o.DeriveSamples, _o.DeriveBatches,
                new XoshiroRandom(Mix(_o.Seed, 10)), _device, (i, n) => _progress.Report(i));
        }
        if (_controller.Learns)
        {
            check = PolicyVsUniform.OfAccuracy([.. ranked.Where(r => !r.Greedy).Select(r => r.SharedWeightAccuracy)],
                [.. uniform.Select(u => u.SharedWeightAccuracy)]);
            metrics.Write("policy_vs_uniform", check.MetricsFields());
        }
        RankCheckResult? rankCheck = null;
        if (_o.RankCheck > 0)
        {
            var picked = RankCheck.Pick(ranked, uniform, _o.RankCheck);
            rankCheck = RankCheck.Run(_space, picked, _o, _o.RankCheckEpochs ?? 2, _data, _device, metrics, _progress);
            _progress.Message(rankCheck.ToString());
        }
        var summary = new SearchSummary
        {
            BestArchitecture = best.Architecture.ToOfficialString(),
            Description = _space.Describe(best.Architecture),
            SharedWeightAccuracy = best.SharedWeightAccuracy,
            SharedParameters = _bank.ParameterCount,
            Seconds = clock.Elapsed.TotalSeconds,
            PolicyVsUniform = check,
            RankCheck = rankCheck,
            Top = ranked.Take(5).Select(r => new TopCandidate(r.Architecture.ToOfficialString(), r.SharedWeightAccuracy, r.Greedy)).ToList(),
        };
        return new SearchOutcome(ranked, summary);
    }

    /// <summary>Throwaway samples the start-up estimate runs untimed first: while the JIT is still compiling and
    /// tiering the kernels up, the first five or so steps take up to twice the steady time (timing samples 2 and 3,
    /// as this estimate did before, put the default search about 50 % high).</summary>
    public const int EstimateWarmup = 5;

    /// <summary>Samples the start-up estimate times after the warm-up (their mean is used: the run's time is a sum
    /// over architectures whose costs differ).</summary>
    public const int EstimateTimed = 8;

    /// <summary>
    /// Expected wall time of the remaining search, by phase: <see cref="EstimateWarmup"/> + <see cref="EstimateTimed"/>
    /// throwaway samples each run one training step (forward and backward) and one batch evaluation; the means of
    /// the timed ones, scaled by <see cref="SearchWorkload"/>, give the estimate. Weights are not changed and the
    /// run's random streams are not touched. The warm-up is not lost: the run's own first steps would pay it.
    /// </summary>
    public SearchEstimate EstimateRemaining()
    {
        var rng = new XoshiroRandom(12345);
        var batch = _train.GetBatch(0, 0);
        var sw = new Stopwatch();
        var train = new List<double>();
        var eval = new List<double>();
        for (int i = 0; i < EstimateWarmup + EstimateTimed; i++)
        {
            Architecture arch;
            using (TensorScope.Begin())
            using (Enas.Engine.Autodiff.Tape.NoGrad())
                arch = _controller.Sample(rng).Architecture;
            var child = ChildBuilder.Build(_space, arch, _network, _bank, _device);
            sw.Restart();
            // The main loss only, as the estimate's factors were calibrated.
            ChildStep.ForwardBackward(child, batch, new ForwardContext(true, rng), auxWeight: null, _device,
                value => $"the start-up time estimate's training step gave a loss of {value}");
            foreach (var p in _bank.Parameters) p.ZeroGrad();
            train.Add(sw.Elapsed.TotalSeconds);
            sw.Restart();
            Evaluator.Accuracy(child, batch, _device, new ForwardContext(false, rng));
            eval.Add(sw.Elapsed.TotalSeconds);
        }
        int rankCheckSteps = (_data.Train.Count + _o.Retrain.BatchSize - 1) / _o.Retrain.BatchSize;
        var work = SearchWorkload.Of(_o, _state.EpochsDone, _train.BatchesPerEpoch, _deriveBatches.BatchesPerEpoch, rankCheckSteps,
            _controller.Learns);
        return work.Estimate(SteadyState.Mean(train, EstimateWarmup)!.Value, SteadyState.Mean(eval, EstimateWarmup)!.Value);
    }

    /// <summary>Frees the shared weights and the controller.</summary>
    public void Dispose()
    {
        _sgd.Dispose();
        _bank.Dispose();
        _controller.Dispose();
    }
}
