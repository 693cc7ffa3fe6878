using Enas.Engine;
using Enas.Search.Data;
using Enas.Search.Distributed;
using Enas.Search.Network;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Search.Training;

/// <summary>Summary of one pass of shared-weight training.</summary>
/// <param name="Loss">Mean training loss per image.</param>
/// <param name="Accuracy">Fraction of training images classified right.</param>
/// <param name="GradNorm">Mean gradient norm before clipping.</param>
/// <param name="Steps">Steps trained.</param>
/// <param name="AllReduceBytes">Mean bytes per step of the gradient all-reduce (0 for one process).</param>
/// <param name="AllReduceSeconds">Mean seconds per step inside the all-reduce call, waiting for the slowest rank
/// included (0 for one process).</param>
public sealed record SharedEpochResult(double Loss, double Accuracy, double GradNorm, int Steps, long AllReduceBytes = 0,
    double AllReduceSeconds = 0);

/// <summary>
/// Trains the shared weights: one pass over the training batches, a freshly sampled child per step, cross-entropy
/// (+ aux weight × aux loss when the head is on), SGD Nesterov with L2 and real gradient clipping. With a sharded
/// <see cref="DataParallel"/> each step is a <see cref="DataParallelStep"/> (this rank's shard of the batch, gradients
/// summed over the ranks by one all-reduce, then the same clipped update on every rank) and the epoch's loss and
/// accuracy are summed over the ranks; otherwise (one process) the step is the plain one.
/// </summary>
public sealed class SharedTrainer(ISearchSpace space, WeightBank bank, ChildSgd sgd, NetworkOptions network,
    double auxWeight, Device device, DataParallel? parallel = null)
{
    private readonly DataParallelStep? _sharded = parallel is { IsSharded: true } ? new DataParallelStep(parallel) : null;

    /// <summary>Bytes of the last data-parallel step's all-reduce (0 for one process).</summary>
    public long LastAllReduceBytes => _sharded?.LastAllReduceBytes ?? 0;

    /// <summary>Runs epoch <paramref name="epoch"/>, a child from <paramref name="sample"/> per step (drawn after the
    /// step's batch); <paramref name="onStep"/> gets (step, total).</summary>
    public SharedEpochResult RunEpoch(Batcher batcher, int epoch, Func<Architecture> sample, XoshiroRandom dropRng,
        Action<int, int>? onStep = null)
    {
        double normSum = 0;
        long reduced = 0;
        double reduceSeconds = 0;
        var tally = new StepTally();
        int steps = batcher.BatchesPerEpoch;
        for (int b = 0; b < steps; b++)
        {
            var batch = batcher.GetBatch(epoch, b);
            var arch = sample();
            var child = ChildBuilder.Build(space, arch, network, bank, device);
            string NonFinite(double value) => $"shared-weight loss became {value} at epoch {epoch + 1}, step {b + 1} " +
                                              $"(architecture {arch.ToOfficialString()})";
            double? aux = auxWeight > 0 ? auxWeight : null;
            if (_sharded is not null) _sharded.Run(child, batch, dropRng, aux, device, NonFinite, tally);
            else tally.Add(ChildStep.ForwardBackward(child, batch, new ForwardContext(true, dropRng), aux, device, NonFinite));
            normSum += sgd.Step();
            reduced += LastAllReduceBytes;
            reduceSeconds += _sharded?.LastAllReduceSeconds ?? 0;
            onStep?.Invoke(b + 1, steps);
        }
        if (_sharded is not null) tally.SumOver(parallel!.Communicator);
        return new SharedEpochResult(tally.MeanLoss, tally.Accuracy, normSum / Math.Max(1, steps), steps, reduced / Math.Max(1, steps),
            reduceSeconds / Math.Max(1, steps));
    }
}
