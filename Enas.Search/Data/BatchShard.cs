namespace Enas.Search.Data;

/// <summary>
/// The rows [<paramref name="Offset"/>, Offset + <paramref name="Count"/>) of a global batch of
/// <paramref name="GlobalCount"/> images that one shard of a data-parallel step computes. <see cref="Of"/> splits a
/// batch into contiguous shards whose sizes differ by at most one (the first GlobalCount mod S shards take one more),
/// so any batch, including an epoch's short last one, is covered exactly once.
/// </summary>
public readonly record struct BatchShard(int Offset, int Count, int GlobalCount)
{
    /// <summary>Shard <paramref name="shard"/> of <paramref name="shards"/> of a batch of <paramref name="globalCount"/> images.</summary>
    public static BatchShard Of(int shard, int shards, int globalCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shards);
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, shards);
        ArgumentOutOfRangeException.ThrowIfNegative(globalCount);
        int q = globalCount / shards, rem = globalCount % shards;
        return new BatchShard(shard * q + Math.Min(shard, rem), q + (shard < rem ? 1 : 0), globalCount);
    }

    /// <summary>This shard's share of the batch, Count / GlobalCount: the weight of its mean-loss gradient in the
    /// full batch's mean-loss gradient.</summary>
    public double Weight => GlobalCount == 0 ? 0 : (double)Count / GlobalCount;
}
