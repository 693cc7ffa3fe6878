namespace Enas.Search.Distributed;

/// <summary>
/// How shared-weight training splits each global batch: into <paramref name="ShardCount"/> contiguous shards
/// (<see cref="Data.BatchShard.Of"/>), of which this process trains <paramref name="LocalShards"/> and sums the
/// weighted gradients with the other processes over <paramref name="Communicator"/>. An MPI job of N ranks is N shards,
/// one per rank (<see cref="Of"/>); <see cref="Emulated"/> trains all N shards in one process, which computes what N
/// ranks compute (per-shard batch-norm statistics included), so a single process can check a job.
/// </summary>
public sealed record DataParallel(ICommunicator Communicator, int ShardCount, IReadOnlyList<int> LocalShards)
{
    /// <summary>One shard per rank of <paramref name="communicator"/> (a single process: one shard, the plain step).</summary>
    public static DataParallel Of(ICommunicator communicator) => new(communicator, communicator.Size, [communicator.Rank]);

    /// <summary>All <paramref name="shards"/> shards in this one process.</summary>
    public static DataParallel Emulated(int shards) =>
        new(SingleProcessCommunicator.Instance, shards, [.. Enumerable.Range(0, shards)]);

    /// <summary>Whether a batch is split (more than one shard); otherwise the step is the single-process one.</summary>
    public bool IsSharded => ShardCount > 1;
}
