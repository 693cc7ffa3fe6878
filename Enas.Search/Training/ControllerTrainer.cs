using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Search.Controller;
using Enas.Search.Data;
using Enas.Search.Network;
using Enas.Search.Sharing;
using Enas.Search.Util;

namespace Enas.Search.Training;

/// <summary>Summary of one controller phase.</summary>
public sealed record ControllerPhaseResult(double MeanReward, double MeanAccuracy, double MeanEntropy, double Baseline,
    double MeanLoss, int Samples);

/// <summary>
/// Trains the controller: per step, M sampled children are each scored on one validation minibatch with the shared
/// weights (BN on batch statistics, no dropout); reward = accuracy + entropy bonus; REINFORCE step on the mean.
/// With the random controller the rewards are still measured (for comparison) but nothing is updated. With
/// <see cref="ControllerOptions.PairedReward"/> the M samples of a step share one batch and leave-one-out advantages.
/// </summary>
public sealed class ControllerTrainer(IController controller, Reinforce reinforce, WeightBank bank, NetworkOptions network,
    Device device)
{
    /// <summary>Runs <paramref name="steps"/> steps of <paramref name="aggregate"/> samples, each reward measured on
    /// <paramref name="batchesPerReward"/> validation batches (1: the paper's one minibatch).</summary>
    public ControllerPhaseResult RunPhase(Batcher validation, int steps, int aggregate, XoshiroRandom rng,
        ref long rewardBatches, Action<int, int>? onStep = null, int batchesPerReward = 1)
    {
        double rewardSum = 0, accSum = 0, entSum = 0, lossSum = 0;
        int sampleCount = 0, perEpoch = validation.BatchesPerEpoch;
        long next = rewardBatches;
        var evalCtx = new ForwardContext(false, rng);
        Batch[] NextBatches()
        {
            var batches = new Batch[batchesPerReward];
            for (int i = 0; i < batches.Length; i++)
            {
                long k = next++;
                batches[i] = validation.GetBatch((int)(k / perEpoch), (int)(k % perEpoch));
            }
            return batches;
        }
        (ControllerSample Sample, double Reward) Draw(Batch[] batches) // on the caller's tape
        {
            var sample = controller.Sample(rng);
            var child = ChildBuilder.Build(controller.Space, sample.Architecture, network, bank, device);
            double acc = Evaluator.Accuracy(child, batches, device, evalCtx);
            double entropy = sample.EntropyValue;
            double reward = reinforce.Reward(acc, entropy);
            rewardSum += reward; accSum += acc; entSum += entropy; sampleCount++;
            return (sample, reward);
        }
        for (int s = 0; s < steps; s++)
        {
            if (reinforce.Options.PairedReward)
            {
                // One batch for the step's M samples; leave-one-out advantages (ControllerOptions.PairedReward).
                var batches = NextBatches();
                using var tape = Tape.Record();
                var drawn = Enumerable.Range(0, aggregate).Select(_ => Draw(batches)).ToArray();
                lossSum += reinforce.AccumulatePaired(tape, [.. drawn.Select(d => d.Sample)], [.. drawn.Select(d => d.Reward)]) * aggregate;
            }
            else
            {
                for (int m = 0; m < aggregate; m++)
                {
                    var batches = NextBatches();
                    using var tape = Tape.Record();
                    var (sample, reward) = Draw(batches);
                    lossSum += reinforce.Accumulate(tape, sample, reward, 1.0 / aggregate);
                }
            }
            reinforce.Step();
            onStep?.Invoke(s + 1, steps);
        }
        rewardBatches = next;
        int n = Math.Max(1, sampleCount);
        return new ControllerPhaseResult(rewardSum / n, accSum / n, entSum / n, reinforce.Baseline, lossSum / n, sampleCount);
    }
}
