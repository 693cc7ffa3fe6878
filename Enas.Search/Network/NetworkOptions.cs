using Enas.Engine;
using Enas.Search.Data;

namespace Enas.Search.Network;

/// <summary>
/// Sizes of a child network. For micro, <see cref="Layers"/> is the number of normal-cell layers L (two reduction
/// cells are added at <c>L/3</c> and <c>2L/3+1</c>, L+2 cells in all); for macro the layer count comes from the space.
/// </summary>
public sealed record NetworkOptions
{
    /// <summary>Image channels (1 for Fashion-MNIST, 3 for CIFAR-10).</summary>
    public int InputChannels { get; init; } = 1;

    /// <summary>Image height and width.</summary>
    public int ImageSize { get; init; } = 28;

    /// <summary>Number of classes.</summary>
    public int Classes { get; init; } = 10;

    /// <summary>Base width C (micro stem gives 3C; channels double at each reduction).</summary>
    public int Channels { get; init; } = 20;

    /// <summary>Micro: normal layers L (search 6, final 15). Ignored for macro.</summary>
    public int Layers { get; init; } = 6;

    /// <summary>Macro: double the width at reductions (false in search, true in final training).</summary>
    public bool DoubleAtReductions { get; init; }

    /// <summary>Search-style or the authors' final network (the shared bank always uses <see cref="NetworkStyle.Search"/>).</summary>
    public NetworkStyle Style { get; init; } = NetworkStyle.Search;

    /// <summary>Micro: attach the auxiliary head after the second reduction.</summary>
    public bool AuxHead { get; init; }

    /// <summary>Micro: drop-path keep probability for the deepest cell (1 = off; the reference uses 0.6 in retraining).</summary>
    public double DropPathKeep { get; init; } = 1.0;

    /// <summary>Keep probability of the dropout before the classifier (1 = off).</summary>
    public double DropoutKeep { get; init; } = 0.9;

    /// <summary>0-based indices of the micro reduction cells among the L+2 cells.</summary>
    public int[] MicroReductionCells() => [Layers / 3, 2 * (Layers / 3) + 1];

    /// <summary>Throws when a size every space needs is out of range (each space's own checks:
    /// <see cref="ISpaceNetworks.Validate"/>).</summary>
    public void Validate()
    {
        if (InputChannels < 1 || ImageSize < 4 || Classes < 2 || Channels < 2)
            throw new ArgumentException($"network options out of range: {this}");
        if (DropPathKeep is <= 0 or > 1 || DropoutKeep is <= 0 or > 1)
            throw new ArgumentException("keep probabilities must be in (0, 1]");
    }
}

/// <summary>Per-forward settings: training mode, the random stream for dropout/drop-path, training progress in [0,1].</summary>
public sealed record ForwardContext(bool Training, Random Rng, double Progress = 1.0)
{
    /// <summary>The rows of a global batch this forward computes (a data-parallel shard), or null for a whole batch.
    /// With a shard, dropout and drop-path draw their masks for all <see cref="BatchShard.GlobalCount"/> images and use
    /// this shard's rows, so each image's mask and the generator's state after the step are those of the whole batch
    /// whatever the number of processes.</summary>
    public BatchShard? Shard { get; init; }

    /// <summary>Images whose random draws a forward over <paramref name="rows"/> images makes.</summary>
    internal int DrawRows(int rows) => Shard is { } s ? s.GlobalCount : rows;

    /// <summary>A per-image mask [rows, ...] drawn for <see cref="DrawRows"/> images, cut to this forward's rows
    /// (the mask itself when there is no shard).</summary>
    internal Tensor ShardRows(Tensor mask) => Shard is { } s ? mask.Slice(0, s.Offset, s.Count) : mask;
}
