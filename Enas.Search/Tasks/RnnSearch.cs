using System.Diagnostics;
using Enas.Engine.Autodiff;
using Enas.Engine.Optim;
using Enas.Engine;
using Enas.Search.Controller;
using Enas.Search.Data;
using Enas.Search.Network.Recurrent;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Training;
using Enas.Search.Util;

namespace Enas.Search.Tasks;

/// <summary>One scored derive candidate (search-time perplexity, measured with the SHARED weights).</summary>
public sealed record RnnCandidate(Architecture Architecture, double SharedWeightValidPerplexity, bool Greedy = false);

/// <summary>Per-epoch numbers of a search.</summary>
/// <param name="Epoch">Epochs done.</param>
/// <param name="LearningRate">Shared-weight SGD learning rate of the epoch.</param>
/// <param name="Shared">The shared-training pass.</param>
/// <param name="MeanReward">Mean controller reward.</param>
/// <param name="MeanEntropy">Mean entropy of the sampled decisions.</param>
/// <param name="Baseline">REINFORCE baseline after the epoch.</param>
/// <param name="MeanSharedWeightValidPerplexity">Geometric mean over the epoch's controller samples (finite ones) of
/// their shared-weight validation perplexity (an arithmetic mean would be one overflowing cell's value).</param>
/// <param name="GreedyCell">The policy's most likely cell after the epoch (official token string).</param>
/// <param name="Verdict">The divergence check's verdict on the shared-training pass (<see cref="RnnTrainingHealth"/>;
/// never <see cref="RnnHealthVerdict.Diverged"/>: that stops the search).</param>
public sealed record RnnSearchEpoch(int Epoch, double LearningRate, LmEpochResult Shared, double MeanReward,
    double MeanSharedWeightValidPerplexity, double MeanEntropy, double Baseline, string GreedyCell = "",
    RnnHealthVerdict Verdict = RnnHealthVerdict.Healthy);

/// <summary>
/// ENAS recurrent-cell search on a word corpus: per epoch, truncated-BPTT training of the shared bank with a cell
/// sampled from the controller for every window, then controller updates by REINFORCE with reward
/// c / (validation perplexity of the sampled cell with the shared weights, on fixed validation windows or one random
/// window per sample: <see cref="RnnSearchOptions.RewardWindows"/>) plus the entropy bonus. <see cref="Derive"/> scores sampled cells on the same validation windows and ranks them.
/// </summary>
public sealed class RnnSearch : IDisposable
{
    private readonly RnnSearchOptions _o;
    private readonly TokenBatches _train, _valid;
    private readonly LanguageModel _lm;
    private readonly EnasRecurrentCore _core;
    private readonly IController _controller;
    private readonly Reinforce _reinforce;
    private readonly Sgd _sgd;
    private readonly StepDecay _schedule;
    private readonly XoshiroRandom _trainRng, _controllerRng, _dropRng;
    private readonly int[]? _fixedRewardWindows;
    private readonly List<RnnEpochHealth> _health = [];
    private readonly int _vocabulary;
    private int _epoch;

    /// <summary>Sets up the shared language model and its optimiser on <paramref name="device"/> (the CPU when null;
    /// shared training, reward scoring and derive run there), and the controller and its optimiser on the CPU.</summary>
    public RnnSearch(RnnSearchOptions options, WordCorpus corpus, Device? device = null)
    {
        Device = device ?? Device.Cpu;
        _o = options;
        Space = new RnnSpace(options.Nodes, options.FirstNodeTanh);
        _train = new TokenBatches(corpus.Train, options.BatchSize);
        _valid = new TokenBatches(corpus.Valid, options.BatchSize);
        _vocabulary = corpus.Vocabulary.Count;
        _fixedRewardWindows = FixedRewardWindows(options.RewardWindows, _valid.WindowCount(options.Bptt));
        var init = new XoshiroRandom(options.Seed);
        _controllerRng = init.Fork();
        _trainRng = init.Fork();
        _dropRng = init.Fork();
        var bank = new RnnWeightBank(options.Nodes, options.Hidden, options.Hidden, options.EffectiveCellInitRange, init.Fork(),
            device: Device);
        var first = Space.Decode(new RandomController(Space).Sample(init.Fork()).Architecture);
        _core = new EnasRecurrentCore(bank, first, options.MaxHiddenNorm, options.CellOutput);
        _lm = new LanguageModel(corpus.Vocabulary.Count, _core, options.InitRange, init.Fork(), device: Device);
        _controller = options.Controller == "random"
            ? new RandomController(Space)
            : new RnnController(Space, options.ControllerSettings, init.NextUInt64());
        _reinforce = new Reinforce(_controller, options.ControllerSettings);
        _sgd = new Sgd(_lm.Parameters(), options.LearningRate, momentum: 0, weightDecay: options.WeightDecay);
        _schedule = new StepDecay(options.LearningRate, options.LrDecay, options.DecayStart);
    }

    /// <summary>The space searched.</summary>
    public RnnSpace Space { get; }

    /// <summary>Where the shared language model trains and is scored (the controller stays on the CPU).</summary>
    public Device Device { get; }

    /// <summary>Shared parameters (fixed, whatever cell is sampled): embedding, softmax bias and the cell bank.</summary>
    public long SharedParameterCount => _lm.Module.ParameterCount();

    /// <summary>One line describing the shared weights.</summary>
    public string Summary => $"{_core.Weights.Summary()}; language model total {SharedParameterCount:N0} parameters";

    /// <summary>Windows per shared-training epoch.</summary>
    public int WindowsPerEpoch => Math.Min(_o.MaxWindowsPerEpoch, _train.WindowCount(_o.Bptt));

    /// <summary>Every epoch's shared training as the divergence check saw it (the diverged one last, after a
    /// <see cref="TrainingDivergedException"/>).</summary>
    public IReadOnlyList<RnnEpochHealth> Health => _health;

    /// <summary>Why the divergence check judged the last epoch unstable or diverged (null when it was healthy).</summary>
    public string? LastHealthReason { get; private set; }

    /// <summary>The epochs whose shared training was unstable (more than <see cref="RnnTrainingHealth.WarnFraction"/>
    /// of the windows skipped): a cell derived after them carries <see cref="RnnTrainingHealth.ResultWarning"/>.</summary>
    public IReadOnlyList<RnnEpochHealth> UnstableEpochs => [.. _health.Where(h => h.SkippedFraction > RnnTrainingHealth.WarnFraction)];

    /// <summary>Runs the next epoch (shared training, then the controller phase). Throws
    /// <see cref="TrainingDivergedException"/>, before the controller phase, when the shared training has diverged
    /// (<see cref="RnnTrainingHealth"/>); the search cannot continue then.</summary>
    public RnnSearchEpoch RunEpoch(Action<int, int>? progress = null)
    {
        double lr = _schedule.LearningRateAt(_epoch);
        _sgd.LearningRate = lr;
        _lm.Module.Train();
        var shared = LmTrainer.Epoch(_lm, _sgd, _train, _o.Bptt, _o.Dropout, _o.GradClip, _dropRng,
            _ => _core.SetCell(Space.Decode(SampleArchitecture(_trainRng))), _o.MaxWindowsPerEpoch, progress);
        _health.Add(new RnnEpochHealth(_epoch + 1, shared.Loss, shared.Diverged, shared.Windows));
        var (verdict, reason) = RnnTrainingHealth.Judge(_health, _vocabulary);
        LastHealthReason = reason;
        if (verdict == RnnHealthVerdict.Diverged)
            throw new TrainingDivergedException($"recurrent shared training diverged in {_health[^1]}: {reason}; {RnnTrainingHealth.Advice(_o)}");

        double rewardSum = 0, pplSum = 0, entSum = 0;
        int finite = 0;
        for (int s = 0; s < _o.ControllerSteps; s++)
        {
            using (var tape = Tape.Record())
            {
                var sample = _controller.Sample(_controllerRng);
                double ppl = ScoreOnWindows(sample.Architecture, RewardWindows());
                // A cell whose shared-weight outputs overflow (NaN/inf perplexity) earns no reward, instead of
                // poisoning the baseline.
                double reward = _reinforce.Reward(double.IsFinite(ppl) ? _o.RewardConstant / ppl : 0, sample.EntropyValue);
                _reinforce.Accumulate(tape, sample, reward, 1.0 / _o.ControllerAggregate);
                rewardSum += reward;
                pplSum += double.IsFinite(ppl) ? Math.Log(ppl) : 0;
                finite += double.IsFinite(ppl) ? 1 : 0;
                entSum += sample.EntropyValue;
            }
            if ((s + 1) % _o.ControllerAggregate == 0 || s == _o.ControllerSteps - 1) _reinforce.Step();
        }
        int n = Math.Max(_o.ControllerSteps, 1);
        _epoch++;
        string greedy;
        using (TensorScope.Begin())
        using (Tape.NoGrad())
            greedy = _controller.Sample(new XoshiroRandom(1), greedy: _controller.Learns).Architecture.ToOfficialString();
        return new RnnSearchEpoch(_epoch, lr, shared, rewardSum / n, finite > 0 ? Math.Exp(pplSum / finite) : double.PositiveInfinity,
            entSum / n, _reinforce.Baseline, greedy, verdict);
    }

    /// <summary>
    /// Samples <see cref="RnnSearchOptions.DeriveSamples"/> cells (plus the greedy one for a learning controller),
    /// scores each on the same first <see cref="RnnSearchOptions.DeriveWindows"/> validation windows with the shared
    /// weights, and returns them best (lowest perplexity) first.
    /// </summary>
    public IReadOnlyList<RnnCandidate> Derive()
    {
        var list = SampleAndScore(_controller, new XoshiroRandom(_o.Seed * 31 + 7), withGreedy: _controller.Learns);
        list.Sort((a, b) => a.SharedWeightValidPerplexity.CompareTo(b.SharedWeightValidPerplexity));
        return list;
    }

    /// <summary>
    /// Scores as many cells drawn uniformly from the space as <paramref name="ranked"/> (a <see cref="Derive"/> result)
    /// holds policy samples, on the same windows, and compares the two (null for the random controller, which IS
    /// uniform sampling).
    /// </summary>
    public PolicyVsUniform? CompareWithUniform(IReadOnlyList<RnnCandidate> ranked)
    {
        if (!_controller.Learns) return null;
        var uniform = SampleAndScore(new RandomController(Space), new XoshiroRandom(_o.Seed * 31 + 11), withGreedy: false);
        return PolicyVsUniform.OfPerplexity([.. ranked.Where(c => !c.Greedy).Select(c => c.SharedWeightValidPerplexity)],
            [.. uniform.Select(c => c.SharedWeightValidPerplexity)]);
    }

    /// <summary>The distinct cells among <see cref="RnnSearchOptions.DeriveSamples"/> draws of <paramref name="policy"/>
    /// (its greedy cell first when <paramref name="withGreedy"/>), each scored on the first
    /// <see cref="RnnSearchOptions.DeriveWindows"/> validation windows; an overflowing cell scores +infinity.</summary>
    private List<RnnCandidate> SampleAndScore(IController policy, XoshiroRandom rng, bool withGreedy)
    {
        var windows = Enumerable.Range(0, Math.Min(_o.DeriveWindows, _valid.WindowCount(_o.Bptt))).ToArray();
        var list = new List<RnnCandidate>();
        foreach (var (arch, greedy) in DistinctSamples.Draw(policy, _o.DeriveSamples, rng, withGreedy))
        {
            double ppl = ScoreOnWindows(arch, windows);
            list.Add(new RnnCandidate(arch, double.IsFinite(ppl) ? ppl : double.PositiveInfinity, greedy));
        }
        return list;
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

    /// <summary>The windows a controller sample is scored on: the fixed ones, or one drawn per sample.</summary>
    private int[] RewardWindows() => _fixedRewardWindows ?? [_controllerRng.Next(_valid.WindowCount(_o.Bptt))];

    /// <summary><see cref="RnnSearchOptions.RewardWindows"/> windows evenly spaced over the validation stream, or
    /// null when each sample draws its own.</summary>
    private static int[]? FixedRewardWindows(int requested, int count)
    {
        if (requested <= 0) return null;
        int n = Math.Min(requested, count);
        return [.. Enumerable.Range(0, n).Select(k => (int)((long)k * count / n))];
    }

    private Architecture SampleArchitecture(XoshiroRandom rng)
    {
        using (TensorScope.Begin())
        using (Tape.NoGrad())
            return _controller.Sample(rng).Architecture;
    }

    /// <summary>Epochs done (after a resume, those of the original run too).</summary>
    public int EpochsDone => _epoch;

    /// <summary>Identity of the configuration, stored in checkpoints (resume refuses a different one, derive-only
    /// options aside: <see cref="RnnConfigIdentity"/>).</summary>
    public string ConfigIdentity => RnnConfigIdentity.Of(_o);

    /// <summary>Writes everything needed to continue exactly (atomic, checksummed). Call between epochs.</summary>
    public void SaveCheckpoint(string path, long metricsBytes)
    {
        var state = new SearchState
        {
            EpochsDone = _epoch, Baseline = _reinforce.Baseline, ControllerSteps = _reinforce.Optimizer?.StepCount ?? 0,
            ChildSteps = _sgd.StepCount, TrainRng = _trainRng.GetState(), ControllerRng = _controllerRng.GetState(),
            DropoutRng = _dropRng.GetState(), MetricsBytes = metricsBytes, ConfigJson = ConfigIdentity, RnnEpochs = [.. _health],
        };
        RnnSearchCheckpoint.Save(path, state, [.. _lm.Parameters()], _controller, _reinforce.Optimizer);
    }

    /// <summary>Restores a checkpoint written by <see cref="SaveCheckpoint"/> with the same options; returns the
    /// metrics length to truncate the log to.</summary>
    public long LoadCheckpoint(string path)
    {
        var state = RnnSearchCheckpoint.Load(path, [.. _lm.Parameters()], _controller, _reinforce.Optimizer, stored =>
        {
            var differences = RnnConfigIdentity.Differences(stored.ConfigJson, _o);
            if (differences.Count > 0)
                throw new InvalidDataException($"cannot resume from '{path}': it was written with a different configuration " +
                                               $"({string.Join("; ", differences)}); leave those flags out to continue the run as it was (--resume reads its options " +
                                               "from the run's config.json), or start a new run with another --out");
        });
        _epoch = state.EpochsDone;
        _health.Clear();
        _health.AddRange(state.RnnEpochs ?? []); // checkpoints written before the check: judged from here on
        _reinforce.Baseline = state.Baseline;
        _sgd.StepCount = state.ChildSteps;
        _trainRng.SetState(state.TrainRng);
        _controllerRng.SetState(state.ControllerRng);
        _dropRng.SetState(state.DropoutRng);
        return state.MetricsBytes;
    }

    /// <summary>Frees the shared model and the controller.</summary>
    public void Dispose()
    {
        _sgd.Dispose();
        _lm.Dispose();
        _controller.Dispose();
    }
}
