using System.Diagnostics;
using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Search.Controller;
using Enas.Search.Network;
using Enas.Search.Data;
using Enas.Search.Reporting;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Training;
using Enas.Search.Util;

namespace Enas.Search.Tasks;

/// <summary>The CNN search's start-up estimate of its remaining wall time, by phase.</summary>
public static class ImageSearchEstimate
{
    /// <summary>Throwaway samples the start-up estimate runs untimed first: while the JIT is still compiling and
    /// tiering the kernels up, the first steps take up to five times the steady time. Measured on the default micro
    /// search (2 vCPUs, December 2026): 0.65 0.39 0.17 0.50 0.13 0.18 0.15 0.15 0.15 0.19 0.18 0.15 s for the first
    /// twelve, 0.10-0.14 s from about the 20th, 0.13 s per step in the run's later epochs; with 5 untimed samples the
    /// estimate was 1.7x high. The warm-up is not lost: the run's own first steps would pay it.</summary>
    public const int Warmup = 20;

    /// <summary>Samples the start-up estimate times after the warm-up (their mean is used: the run's time is a sum
    /// over architectures whose costs differ).</summary>
    public const int Timed = 8;

    /// <summary>
    /// Expected wall time of the remaining search after <paramref name="epochsDone"/> epochs: <see cref="Warmup"/> +
    /// <see cref="Timed"/> throwaway samples of <paramref name="controller"/> each run one training step (forward and
    /// backward) and one batch evaluation; the means of the timed ones, scaled by <see cref="SearchWorkload"/>, give the
    /// estimate. Weights are not changed and the run's random streams are not touched. The warm-up is not lost: the
    /// run's own first steps would pay it.
    /// </summary>
    public static SearchEstimate Remaining(ImageClassificationTask task, SearchOptions o, IController controller, int epochsDone,
        Device device)
    {
        var rng = new XoshiroRandom(12345);
        var batch = task.TrainBatches.GetBatch(0, 0);
        var sw = new Stopwatch();
        var train = new List<double>();
        var eval = new List<double>();
        for (int i = 0; i < Warmup + Timed; i++)
        {
            var child = ChildBuilder.Build(task.Space, Sample(controller, rng), task.Network, task.Bank, device);
            sw.Restart();
            // The main loss only, as the estimate's factors were calibrated.
            ChildStep.ForwardBackward(child, batch, new ForwardContext(true, rng), auxWeight: null, device,
                value => $"the start-up time estimate's training step gave a loss of {value}");
            foreach (var p in task.Bank.Parameters) p.ZeroGrad();
            train.Add(sw.Elapsed.TotalSeconds);
            sw.Restart();
            Evaluator.Accuracy(child, batch, device, new ForwardContext(false, rng));
            eval.Add(sw.Elapsed.TotalSeconds);
        }
        int rankCheckSteps = (task.Data.Train.Count + o.Retrain.BatchSize - 1) / o.Retrain.BatchSize;
        var work = SearchWorkload.Of(o, epochsDone, task.TrainBatches.BatchesPerEpoch, task.DeriveBatches.BatchesPerEpoch,
            rankCheckSteps, controller.Learns);
        return work.Estimate(SteadyState.Mean(train, Warmup)!.Value, SteadyState.Mean(eval, Warmup)!.Value);
    }

    /// <summary>Architectures the start-up retraining estimate times (sampled; the searched one is not known yet).</summary>
    public const int RetrainArchitectures = 2;

    /// <summary>Steps run untimed, then timed, on each architecture a retraining estimate builds. One architecture
    /// repeats its steps as the retraining does: each new one pays its allocations on its first steps (measured on the
    /// default micro retrain, 2 vCPUs: 0.38 s per step when every step built a new architecture, 0.29 s when one
    /// repeated), and a mean of four steps let one slow step (0.8 s) put the estimate 50 % high, hence the median.</summary>
    public const int RetrainWarmup = 2, RetrainTimed = 4;

    /// <summary>
    /// Expected wall time of the retraining the search prints (its <c>train</c> command, <see cref="SearchOptions.Retrain"/>),
    /// before the search: <see cref="RetrainArchitectures"/> architectures sampled from <paramref name="controller"/>
    /// (see <see cref="RetrainOf"/>). The searched architecture's cost differs from a sample's by its mix of ops (a
    /// sep-conv-heavy cell costs more than a uniform sample), so this is a guide, not a promise; the end of the search
    /// times the searched architecture itself.
    /// </summary>
    public static TimeSpan Retrain(ImageClassificationTask task, SearchOptions o, IController controller, Device device)
    {
        var rng = new XoshiroRandom(54321);
        return RetrainOf(task, o, [.. Enumerable.Range(0, RetrainArchitectures).Select(_ => Sample(controller, rng))], device);
    }

    /// <summary>
    /// Expected wall time of the printed retraining of <paramref name="architectures"/> (their median step): each is
    /// built at the retraining sizes with throwaway fresh weights and runs <see cref="RetrainWarmup"/> +
    /// <see cref="RetrainTimed"/> training steps on one retraining batch (with the auxiliary loss when the network has
    /// the head); the median timed step, scaled to the retraining's epochs over the whole training set
    /// (<see cref="DataSplits.FullTrainCount"/>, or its <c>--train-subset</c>) plus a test pass per epoch. The run's
    /// weights and random streams are not touched.
    /// </summary>
    public static TimeSpan RetrainOf(ImageClassificationTask task, SearchOptions o, IReadOnlyList<Architecture> architectures, Device device)
    {
        var r = o.Retrain;
        var data = task.Data;
        var rng = new XoshiroRandom(54321);
        var network = Retrainer.Network(task.Space, o, data.Train);
        var batch = new Batcher(data.Train, r.BatchSize, 0, shuffle: false).GetBatch(0, 0);
        var sw = new Stopwatch();
        var timed = new List<double>();
        for (int a = 0; a < architectures.Count; a++)
        {
            using var fresh = new FreshWeights((ulong)a + 1, device);
            var child = ChildBuilder.Build(task.Space, architectures[a], network, fresh, device);
            for (int i = 0; i < RetrainWarmup + RetrainTimed; i++)
            {
                sw.Restart();
                ChildStep.ForwardBackward(child, batch, new ForwardContext(true, rng, 0), o.AuxWeight, device,
                    value => $"the retraining time estimate's step gave a loss of {value}");
                foreach (var p in fresh.Parameters) p.ZeroGrad();
                if (i >= RetrainWarmup) timed.Add(sw.Elapsed.TotalSeconds);
            }
        }
        int images = data.FullTrainCount;
        if (r.TrainSubset > 0) images = Math.Min(images, r.TrainSubset);
        int testBatchSize = Math.Max(r.BatchSize, 100);
        int steps = (images + r.BatchSize - 1) / r.BatchSize, testBatches = (data.Test.Count + testBatchSize - 1) / testBatchSize;
        // The median step as it is: with the search's old 1.15 overhead factor this estimate was 15 % high (107 s
        // predicted, 92 s measured for one epoch); the timed step already holds the forward, backward and aux head.
        double perStep = SteadyState.Median(timed, 0)!.Value;
        return TimeSpan.FromSeconds(RetrainEstimate.Seconds(perStep, steps, r.Epochs, testBatches, testBatchSize / (double)r.BatchSize));
    }

    /// <summary>One architecture from <paramref name="controller"/>, sampled without recording a tape.</summary>
    private static Architecture Sample(IController controller, XoshiroRandom rng)
    {
        using (TensorScope.Begin())
        using (Tape.NoGrad())
            return controller.Sample(rng).Architecture;
    }
}
