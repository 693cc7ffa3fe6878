using Enas.Engine;
using Enas.Search.Data;
using Enas.Search.Network;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Search.Training;

/// <summary>Summary of one pass of shared-weight training.</summary>
public sealed record SharedEpochResult(double Loss, double Accuracy, double GradNorm, int Steps);

/// <summary>
/// Trains the shared weights: one pass over the training batches, a freshly sampled child per step, cross-entropy
/// (+ aux weight × aux loss when the head is on), SGD Nesterov with L2 and real gradient clipping.
/// </summary>
public sealed class SharedTrainer(ISearchSpace space, WeightBank bank, ChildSgd sgd, NetworkOptions network,
    double auxWeight, Device device)
{
    /// <summary>Runs epoch <paramref name="epoch"/>, a child from <paramref name="sample"/> per step (drawn after the
    /// step's batch); <paramref name="onStep"/> gets (step, total).</summary>
    public SharedEpochResult RunEpoch(Batcher batcher, int epoch, Func<Architecture> sample, XoshiroRandom dropRng,
        Action<int, int>? onStep = null)
    {
        double normSum = 0;
        var tally = new StepTally();
        int steps = batcher.BatchesPerEpoch;
        for (int b = 0; b < steps; b++)
        {
            var batch = batcher.GetBatch(epoch, b);
            var arch = sample();
            var child = ChildBuilder.Build(space, arch, network, bank, device);
            tally.Add(ChildStep.ForwardBackward(child, batch, new ForwardContext(true, dropRng),
                auxWeight > 0 ? auxWeight : null, device,
                value => $"shared-weight loss became {value} at epoch {epoch + 1}, step {b + 1} " +
                         $"(architecture {arch.ToOfficialString()})"));
            normSum += sgd.Step();
            onStep?.Invoke(b + 1, steps);
        }
        return new SharedEpochResult(tally.MeanLoss, tally.Accuracy, normSum / Math.Max(1, steps), steps);
    }
}
