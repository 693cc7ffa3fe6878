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
/// With the random controller the rewards are still measured (for comparison) but nothing is updated.
/// </summary>
public sealed class ControllerTrainer(IController controller, Reinforce reinforce, WeightBank bank, NetworkOptions network,
    Device device)
{
    /// <summary>Runs <paramref name="steps"/> steps of <paramref name="aggregate"/> samples.</summary>
    public ControllerPhaseResult RunPhase(Batcher validation, int steps, int aggregate, XoshiroRandom rng,
        ref long rewardBatches, Action<int, int>? onStep = null)
    {
        double rewardSum = 0, accSum = 0, entSum = 0, lossSum = 0;
        int samples = 0, perEpoch = validation.BatchesPerEpoch;
        var evalCtx = new ForwardContext(false, rng);
        for (int s = 0; s < steps; s++)
        {
            for (int m = 0; m < aggregate; m++)
            {
                long k = rewardBatches++;
                var batch = validation.GetBatch((int)(k / perEpoch), (int)(k % perEpoch));
                using var tape = Tape.Record();
                var sample = controller.Sample(rng);
                var child = ChildBuilder.Build(controller.Space, sample.Architecture, network, bank, device);
                double acc = Evaluator.Accuracy(child, batch, device, evalCtx);
                double entropy = sample.EntropyValue;
                double reward = reinforce.Reward(acc, entropy);
                lossSum += reinforce.Accumulate(tape, sample, reward, 1.0 / aggregate);
                rewardSum += reward; accSum += acc; entSum += entropy; samples++;
            }
            reinforce.Step();
            onStep?.Invoke(s + 1, steps);
        }
        int n = Math.Max(1, samples);
        return new ControllerPhaseResult(rewardSum / n, accSum / n, entSum / n, reinforce.Baseline, lossSum / n, samples);
    }
}
