using Enas.Engine;

namespace Enas.Search.Data;

/// <summary>
/// One minibatch on the host: images [Count, C, H, W] in the first Count * C * H * W floats of
/// <see cref="Images"/>, labels [Count] in the first Count entries of <see cref="Labels"/>. Buffers may be longer
/// (capacity) when the batch is a short last batch filled into a reused instance.
/// </summary>
public sealed class Batch
{
    /// <summary>Allocates a batch with room for <paramref name="capacity"/> images of C x H x W.</summary>
    public Batch(int capacity, int channels, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Channels = channels;
        Height = height;
        Width = width;
        Images = new float[(long)capacity * channels * height * width];
        Labels = new int[capacity];
    }

    /// <summary>Image floats (capacity-sized).</summary>
    public float[] Images { get; }

    /// <summary>Labels (capacity-sized).</summary>
    public int[] Labels { get; }

    /// <summary>Images in this batch.</summary>
    public int Count { get; internal set; }

    /// <summary>Epoch this batch belongs to.</summary>
    public int Epoch { get; internal set; }

    /// <summary>Index of this batch within its epoch.</summary>
    public int Index { get; internal set; }

    /// <summary>Channels C.</summary>
    public int Channels { get; }

    /// <summary>Height H.</summary>
    public int Height { get; }

    /// <summary>Width W.</summary>
    public int Width { get; }

    /// <summary>Maximum images.</summary>
    public int Capacity => Labels.Length;

    /// <summary>The used image floats, [Count, C, H, W].</summary>
    public ReadOnlySpan<float> ImageSpan => Images.AsSpan(0, Count * Channels * Height * Width);

    /// <summary>The used labels, [Count].</summary>
    public ReadOnlySpan<int> LabelSpan => Labels.AsSpan(0, Count);

    /// <summary>The image tensor shape [Count, C, H, W].</summary>
    public Shape ImageShape => new(Count, Channels, Height, Width);

    /// <summary>A new batch holding the images [shard.Count, C, H, W] and labels of rows
    /// [shard.Offset, shard.Offset + shard.Count) of this one (same epoch and index).</summary>
    public Batch Slice(BatchShard shard)
    {
        if (shard.GlobalCount != Count || shard.Count < 1 || shard.Offset < 0 || shard.Offset + shard.Count > Count)
            throw new ArgumentOutOfRangeException(nameof(shard), $"shard {shard} does not fit a batch of {Count} images");
        int size = Channels * Height * Width;
        var part = new Batch(shard.Count, Channels, Height, Width) { Count = shard.Count, Epoch = Epoch, Index = Index };
        Images.AsSpan(shard.Offset * size, shard.Count * size).CopyTo(part.Images);
        Labels.AsSpan(shard.Offset, shard.Count).CopyTo(part.Labels);
        return part;
    }

    /// <summary>
    /// Uploads to <paramref name="device"/> (CPU when null): a float32 tensor [Count, C, H, W] and an int32 tensor
    /// [Count]. The tensors belong to the innermost open <see cref="TensorScope"/>, like any new tensor.
    /// </summary>
    public (Tensor Images, Tensor Labels) ToTensors(Device? device = null) =>
        (Tensor.FromArray<float>(ImageSpan, ImageShape, device),
         Tensor.FromArray<int>(LabelSpan, new Shape(Count), device));
}
