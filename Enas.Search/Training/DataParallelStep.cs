using System.Diagnostics;
using Enas.Engine;
using Enas.Search.Data;
using Enas.Search.Distributed;
using Enas.Search.Network;
using Enas.Search.Util;

namespace Enas.Search.Training;

/// <summary>
/// The forward and backward passes of one data-parallel shared-weight step: each local shard of the global batch
/// (images [n_s, C, H, W]) runs <see cref="ChildStep.ForwardBackward"/> with its own batch-norm statistics (per-shard,
/// as PyTorch's DistributedDataParallel without SyncBatchNorm) and the dropout masks of its rows of the whole batch;
/// its mean-loss gradient, weighted by n_s / N, goes into one flat buffer (<see cref="GradientPacking"/>), which one
/// all-reduce sums over the ranks, so every rank ends with the whole batch's mean-loss gradient on the child's
/// parameters. Clipping and the update are the caller's (after this, on identical gradients).
/// </summary>
internal sealed class DataParallelStep(DataParallel parallel)
{
    private float[] _buffer = [];
    private float[] _scratch = [];

    /// <summary>Bytes of the last step's all-reduce buffer (4 per float: the child's gradients and one count per parameter).</summary>
    public long LastAllReduceBytes { get; private set; }

    /// <summary>Seconds the last step spent in its all-reduce call: the transfer and the wait for the slowest rank.</summary>
    public double LastAllReduceSeconds { get; private set; }

    /// <summary>Runs the local shards of <paramref name="batch"/> and sums the gradients over the ranks; adds each
    /// local shard's loss and hits to <paramref name="tally"/>. <paramref name="progress"/> is the training's progress
    /// (drop-path's annealing, <see cref="ForwardContext.Progress"/>).</summary>
    public void Run(ChildNetwork child, Batch batch, XoshiroRandom dropRng, double? auxWeight, Device device,
        Func<double, string> nonFinite, StepTally tally, double progress = 1.0)
    {
        var layout = child.Parameters;
        int length = GradientPacking.Length(layout);
        if (_buffer.Length < length) _buffer = new float[length];
        var buffer = _buffer.AsSpan(0, length);
        buffer.Clear();
        var start = dropRng.GetState();
        ulong[]? end = null;
        foreach (int s in parallel.LocalShards)
        {
            var shard = BatchShard.Of(s, parallel.ShardCount, batch.Count);
            if (shard.Count == 0) continue; // fewer images than shards: this one adds nothing
            dropRng.SetState(start);
            var ctx = new ForwardContext(true, dropRng, progress) { Shard = shard };
            tally.Add(ChildStep.ForwardBackward(child, batch.Slice(shard), ctx, auxWeight, device, nonFinite));
            GradientPacking.Add(layout, (float)shard.Weight, buffer, ref _scratch);
            foreach (var p in layout) p.ZeroGrad();
            end = dropRng.GetState();
        }
        if (end is not null) dropRng.SetState(end);
        long t0 = Stopwatch.GetTimestamp();
        parallel.Communicator.AllReduceSum(buffer);
        LastAllReduceSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        LastAllReduceBytes = (long)length * sizeof(float);
        if (batch.Count < parallel.ShardCount) SyncState(dropRng); // a rank without images drew nothing
        GradientPacking.Apply(layout, buffer);
    }

    /// <summary>Rank 0's generator state on every rank (rank 0 always has images: shard 0 is the largest).</summary>
    private void SyncState(XoshiroRandom rng)
    {
        var bytes = new byte[4 * sizeof(ulong)];
        var state = rng.GetState();
        Buffer.BlockCopy(state, 0, bytes, 0, bytes.Length);
        parallel.Communicator.Broadcast(bytes);
        Buffer.BlockCopy(bytes, 0, state, 0, bytes.Length);
        rng.SetState(state);
    }
}
