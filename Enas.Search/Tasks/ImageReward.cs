using Enas.Engine;
using Enas.Search.Data;
using Enas.Search.Network;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Training;
using Enas.Search.Util;

namespace Enas.Search.Tasks;

/// <summary>
/// The CNN controller reward: a child's accuracy with the shared weights (BN on batch statistics, no dropout) on the
/// next <c>batchesPerReward</c> validation minibatches (1: the paper's one minibatch), taken in order from an endless
/// shuffled stream whose position is checkpointed (<see cref="BatchesUsed"/>).
/// </summary>
internal sealed class ImageReward(ISearchSpace space, WeightBank bank, NetworkOptions network, Batcher validation,
    int batchesPerReward, XoshiroRandom rng, Device device) : IControllerReward
{
    private readonly ForwardContext _eval = new(false, rng);
    private Batch[] _batches = [];

    /// <summary>Validation minibatches consumed by rewards so far.</summary>
    public long BatchesUsed { get; set; }

    /// <inheritdoc />
    public void NextData()
    {
        int perEpoch = validation.BatchesPerEpoch;
        _batches = new Batch[batchesPerReward];
        for (int i = 0; i < _batches.Length; i++)
        {
            long k = BatchesUsed++;
            _batches[i] = validation.GetBatch((int)(k / perEpoch), (int)(k % perEpoch));
        }
    }

    /// <inheritdoc />
    public double Measure(Architecture architecture) =>
        Evaluator.Accuracy(ChildBuilder.Build(space, architecture, network, bank, device), _batches, device, _eval);

    /// <summary>The accuracy itself.</summary>
    public double RewardOf(double metric) => metric;
}
