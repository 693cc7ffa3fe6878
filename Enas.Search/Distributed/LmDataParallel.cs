using System.Diagnostics;
using Enas.Engine;
using Enas.Search.Data;

namespace Enas.Search.Distributed;

/// <summary>
/// Data-parallel language-model training over the ranks of a job: the B parallel token streams of every BPTT window
/// (the rows of <see cref="TokenBatches"/>) are cut into contiguous shards (<see cref="BatchShard.Of"/>), rank r trains
/// shard r and carries that shard's hidden state [B_r, H] from window to window, the locked dropout masks are drawn for
/// all B rows and sliced (so the generators stay equal on every rank), and one all-reduce per window sums the
/// gradients, weighted by each shard's share of the rows, together with the weighted losses, in one flat buffer
/// (<see cref="GradientPacking"/> plus one float). Every rank then clips and steps on the same whole-batch gradient.
/// A recurrent language model has no batch norm, so this computes what one process with the whole batch computes, up to
/// float32 summation order. A non-finite loss on any rank makes the summed loss non-finite on every rank, so the ranks
/// reset their state and skip together. Only jobs of several ranks make one (<see cref="Of"/>).
/// </summary>
public sealed class LmDataParallel
{
    private float[] _buffer = [];
    private float[] _scratch = [];

    private LmDataParallel(ICommunicator world) => World = world;

    /// <summary>The data-parallel training of <paramref name="world"/>, or null for a single process (which trains
    /// the whole batch and reduces nothing).</summary>
    public static LmDataParallel? Of(ICommunicator world) => world.Size == 1 ? null : new LmDataParallel(world);

    /// <summary>The ranks.</summary>
    public ICommunicator World { get; }

    /// <summary>Seconds the last window spent in its all-reduce (the transfer and the wait for the slowest rank).</summary>
    public double LastAllReduceSeconds { get; private set; }

    /// <summary>Bytes of the last window's all-reduce buffer.</summary>
    public long LastAllReduceBytes { get; private set; }

    /// <summary>Why a batch of <paramref name="streams"/> token streams cannot be split over <paramref name="ranks"/>
    /// ranks (fewer streams than ranks: a rank would have nothing to train), or null when it can.</summary>
    public static string? Refusal(int streams, int ranks) => streams >= ranks
        ? null
        : $"--batch-size {streams} gives {streams} token streams, fewer than the {ranks} ranks: each rank trains its share of " +
          $"the streams, so use --batch-size {ranks} or more, or fewer ranks";

    /// <summary>This rank's rows of a batch of <paramref name="globalRows"/> streams; refuses a batch with fewer
    /// streams than ranks (<see cref="Refusal"/>).</summary>
    public BatchShard Shard(int globalRows) =>
        Refusal(globalRows, World.Size) is { } refusal
            ? throw new ArgumentException(refusal, nameof(globalRows))
            : BatchShard.Of(World.Rank, World.Size, globalRows);

    /// <summary>This rank's streams of <paramref name="all"/>.</summary>
    public TokenBatches Local(TokenBatches all) => all.Rows(Shard(all.BatchSize));

    /// <summary>
    /// Replaces the gradients of <paramref name="parameters"/> (the same list in the same order on every rank) by their
    /// sum over the ranks weighted by each rank's <see cref="BatchShard.Weight"/> <paramref name="rows"/>, and returns
    /// the weighted sum of the ranks' <paramref name="loss"/>es: the whole batch's mean loss. Collective.
    /// </summary>
    public double SumGradients(IReadOnlyList<Parameter> parameters, BatchShard rows, double loss)
    {
        int grads = GradientPacking.Length(parameters), length = grads + 1;
        if (_buffer.Length < length) _buffer = new float[length];
        var buffer = _buffer.AsSpan(0, length);
        buffer.Clear();
        float weight = (float)rows.Weight;
        GradientPacking.Add(parameters, weight, buffer[..grads], ref _scratch);
        buffer[grads] = (float)(weight * loss);
        long t0 = Stopwatch.GetTimestamp();
        World.AllReduceSum(buffer);
        LastAllReduceSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        LastAllReduceBytes = (long)length * sizeof(float);
        GradientPacking.Apply(parameters, buffer[..grads]);
        return buffer[grads];
    }

    /// <summary>A sum of per-rank loss totals and token counts over the ranks (an evaluation pass over each rank's
    /// streams gives the whole data's). Collective.</summary>
    public (double Total, long Count) Sum(double total, long count)
    {
        Span<double> both = [total, count];
        World.AllReduceSum(both);
        return (both[0], (long)Math.Round(both[1]));
    }
}
