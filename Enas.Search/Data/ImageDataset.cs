using System.Numerics.Tensors;

namespace Enas.Search.Data;

/// <summary>
/// An in-memory image classification set: float32 pixels laid out [N, C, H, W] (row-major, channel-major per
/// image) and one int label per image in [0, <see cref="ClassCount"/>). Loaders produce pixels in [0, 1];
/// <see cref="Normalize"/> then maps them to zero mean and unit variance per channel.
/// </summary>
public sealed class ImageDataset
{
    /// <summary>Wraps the given arrays (not copied).</summary>
    /// <param name="name">Human-readable name, e.g. "fashion-mnist/train".</param>
    /// <param name="pixels">Length <c>count * channels * height * width</c>, layout [N, C, H, W].</param>
    /// <param name="labels">Length N, each in [0, <paramref name="classCount"/>).</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="classCount">Number of classes.</param>
    /// <exception cref="ArgumentException">Sizes disagree or a label is out of range.</exception>
    public ImageDataset(string name, float[] pixels, int[] labels, int channels, int height, int width, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        long imageSize = (long)channels * height * width;
        if (pixels.LongLength != labels.LongLength * imageSize)
            throw new ArgumentException(
                $"{name}: {pixels.LongLength} pixels do not hold {labels.Length} images of {channels}x{height}x{width}");
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classCount)
                throw new ArgumentException($"{name}: label {labels[i]} of image {i} is outside [0, {classCount})");
        Name = name;
        Pixels = pixels;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        ClassCount = classCount;
    }

    /// <summary>Human-readable name.</summary>
    public string Name { get; }

    /// <summary>All pixels, [N, C, H, W].</summary>
    public float[] Pixels { get; }

    /// <summary>All labels, [N].</summary>
    public int[] Labels { get; }

    /// <summary>Number of images N.</summary>
    public int Count => Labels.Length;

    /// <summary>Channels C.</summary>
    public int Channels { get; }

    /// <summary>Height H.</summary>
    public int Height { get; }

    /// <summary>Width W.</summary>
    public int Width { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Floats per image, C * H * W.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>The pixels of image <paramref name="index"/>, [C, H, W].</summary>
    public Span<float> Image(int index) => Pixels.AsSpan(index * ImageSize, ImageSize);

    /// <summary>A new dataset holding copies of the images at <paramref name="indices"/>, in that order.</summary>
    public ImageDataset Subset(ReadOnlySpan<int> indices, string? name = null)
    {
        int size = ImageSize;
        var pixels = new float[(long)indices.Length * size];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int src = indices[i];
            if ((uint)src >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"index {src} outside [0, {Count})");
            Array.Copy(Pixels, (long)src * size, pixels, (long)i * size, size);
            labels[i] = Labels[src];
        }
        return new ImageDataset(name ?? Name, pixels, labels, Channels, Height, Width, ClassCount);
    }

    /// <summary>
    /// Holds out <paramref name="validationCount"/> randomly chosen images (seeded) as a validation set; the rest
    /// are the training set. Both keep the original relative order of their images.
    /// </summary>
    /// <exception cref="DatasetException">The validation set would leave no training images.</exception>
    public (ImageDataset Train, ImageDataset Validation) Split(int validationCount = 5000, ulong seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(validationCount);
        if (validationCount >= Count)
            throw new DatasetException(Name,
                $"{Name}: cannot hold out {validationCount} validation images from {Count} training images; " +
                $"choose a validation size below {Count}.");
        var order = new int[Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        new Randomness.SplitMix64(Randomness.SplitMix64.Derive(seed, 0x5B117)).Shuffle(order.AsSpan());
        var validation = order.AsSpan(0, validationCount);
        var train = order.AsSpan(validationCount);
        validation.Sort();
        train.Sort();
        return (Subset(train, Name + "/train-split"), Subset(validation, Name + "/validation"));
    }

    /// <summary>
    /// Per-channel mean and population standard deviation over every image: per-image plane sums of x and x^2 in
    /// float32 (SIMD), accumulated across images in float64.
    /// </summary>
    public ChannelStats ComputeChannelStats()
    {
        int plane = Height * Width;
        var mean = new float[Channels];
        var std = new float[Channels];
        for (int c = 0; c < Channels; c++)
        {
            double sum = 0, sumSq = 0;
            for (int n = 0; n < Count; n++)
            {
                var p = Pixels.AsSpan(n * ImageSize + c * plane, plane);
                sum += TensorPrimitives.Sum(p);
                sumSq += TensorPrimitives.SumOfSquares(p);
            }
            double count = Math.Max(1.0, (double)Count * plane);
            double m = sum / count;
            double variance = Math.Max(0, sumSq / count - m * m);
            mean[c] = (float)m;
            std[c] = (float)Math.Max(1e-6, Math.Sqrt(variance));
        }
        return new ChannelStats(mean, std);
    }

    /// <summary>In place: every pixel of channel c becomes (x - mean[c]) / std[c].</summary>
    /// <exception cref="ArgumentException">The statistics have a different channel count.</exception>
    public void Normalize(ChannelStats stats)
    {
        if (stats.Channels != Channels)
            throw new ArgumentException($"{Name}: statistics for {stats.Channels} channels, images have {Channels}");
        int plane = Height * Width;
        for (int n = 0; n < Count; n++)
        {
            for (int c = 0; c < Channels; c++)
            {
                var p = Pixels.AsSpan(n * ImageSize + c * plane, plane);
                TensorPrimitives.Subtract(p, stats.Mean[c], p);
                TensorPrimitives.Multiply(p, 1f / stats.Std[c], p);
            }
        }
    }

    /// <summary>"name: N images 1x28x28, 10 classes".</summary>
    public override string ToString() => $"{Name}: {Count} images {Channels}x{Height}x{Width}, {ClassCount} classes";
}
