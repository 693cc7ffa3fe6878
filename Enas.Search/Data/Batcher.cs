using Enas.Search.Randomness;

namespace Enas.Search.Data;

/// <summary>
/// Cuts a dataset into minibatches, epoch by epoch. Everything about batch k of epoch e (which images, in which
/// order, and their augmentation draws) is a pure function of (seed, e, k), so a run resumed at "batch k of
/// epoch e" sees exactly the batches an uninterrupted run would; no generator state needs saving. Not thread-safe
/// (it caches the current epoch's order); use one instance per thread.
/// </summary>
public sealed class Batcher
{
    private const ulong OrderStream = 0x0DE5;
    private const ulong AugmentStream = 0xA11C;

    private readonly ImageDataset _data;
    private int _cachedEpoch = int.MinValue;
    private int[] _order = [];

    /// <summary>Creates a batcher.</summary>
    /// <param name="data">Images to serve (not copied).</param>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="seed">Seed for shuffling and augmentation.</param>
    /// <param name="shuffle">Reshuffle every epoch; otherwise dataset order.</param>
    /// <param name="dropLast">Drop a final batch smaller than <paramref name="batchSize"/>; otherwise keep it.</param>
    /// <param name="augmenter">Applied to every image when not null (training); null for evaluation.</param>
    public Batcher(ImageDataset data, int batchSize, ulong seed, bool shuffle = true, bool dropLast = false,
        Augmenter? augmenter = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        _data = data;
        BatchSize = batchSize;
        Seed = seed;
        Shuffle = shuffle;
        DropLast = dropLast;
        Augmenter = augmenter;
        BatchesPerEpoch = dropLast ? data.Count / batchSize : (data.Count + batchSize - 1) / batchSize;
    }

    /// <summary>Images per full batch.</summary>
    public int BatchSize { get; }

    /// <summary>The seed.</summary>
    public ulong Seed { get; }

    /// <summary>Whether each epoch is shuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether a short last batch is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>The augmenter, or null.</summary>
    public Augmenter? Augmenter { get; }

    /// <summary>Batches in one epoch.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>The dataset served.</summary>
    public ImageDataset Dataset => _data;

    /// <summary>Dataset indices in the order epoch <paramref name="epoch"/> visits them (a fresh copy).</summary>
    public int[] EpochOrder(int epoch) => (int[])Order(epoch).Clone();

    /// <summary>Images in batch <paramref name="index"/> (BatchSize except possibly the last).</summary>
    public int SizeOf(int index)
    {
        if ((uint)index >= (uint)BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(index), $"batch {index} outside [0, {BatchesPerEpoch})");
        return Math.Min(BatchSize, _data.Count - index * BatchSize);
    }

    /// <summary>A new batch with room for <see cref="BatchSize"/> images of this dataset.</summary>
    public Batch CreateBuffer() => new(BatchSize, _data.Channels, _data.Height, _data.Width);

    /// <summary>Returns batch <paramref name="index"/> of epoch <paramref name="epoch"/> in a new buffer.</summary>
    public Batch GetBatch(int epoch, int index)
    {
        var batch = CreateBuffer();
        Fill(epoch, index, batch);
        return batch;
    }

    /// <summary>Fills <paramref name="into"/> (capacity at least <see cref="BatchSize"/>) with batch
    /// <paramref name="index"/> of epoch <paramref name="epoch"/>.</summary>
    public void Fill(int epoch, int index, Batch into)
    {
        int count = SizeOf(index);
        if (into.Capacity < count || into.Channels != _data.Channels || into.Height != _data.Height ||
            into.Width != _data.Width)
            throw new ArgumentException($"Batcher: buffer {into.Capacity}x{into.Channels}x{into.Height}x{into.Width} " +
                $"cannot hold {count}x{_data.Channels}x{_data.Height}x{_data.Width}");
        var order = Order(epoch);
        int size = _data.ImageSize;
        var rng = Augmenter is null ? null
            : new SplitMix64(SplitMix64.Derive(Seed, AugmentStream, ((ulong)(uint)epoch << 32) | (uint)index));
        for (int i = 0; i < count; i++)
        {
            int src = order[index * BatchSize + i];
            var dst = into.Images.AsSpan(i * size, size);
            if (rng is null) _data.Image(src).CopyTo(dst);
            else Augmenter!.Apply(_data.Image(src), dst, _data.Channels, _data.Height, _data.Width, rng);
            into.Labels[i] = _data.Labels[src];
        }
        into.Count = count;
        into.Epoch = epoch;
        into.Index = index;
    }

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/> from <paramref name="startBatch"/> on (to resume mid-epoch),
    /// each in a new <see cref="Batch"/>.
    /// </summary>
    public IEnumerable<Batch> Epoch(int epoch, int startBatch = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startBatch);
        for (int k = startBatch; k < BatchesPerEpoch; k++) yield return GetBatch(epoch, k);
    }

    private int[] Order(int epoch)
    {
        if (epoch == _cachedEpoch) return _order;
        var order = new int[_data.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        if (Shuffle) new SplitMix64(SplitMix64.Derive(Seed, OrderStream, (ulong)(uint)epoch)).Shuffle(order.AsSpan());
        _order = order;
        _cachedEpoch = epoch;
        return order;
    }
}
