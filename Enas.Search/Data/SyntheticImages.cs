using System.Buffers.Binary;
using System.IO.Compression;
using Enas.Search.Randomness;

namespace Enas.Search.Data;

/// <summary>
/// Small learnable image sets for tests, and writers for the real on-disk formats (idx for Fashion-MNIST, the
/// CIFAR-10 binary records) so tests exercise the real loaders. Class k is a cosine grating with frequency
/// 1 + k/2 cycles per image, horizontal for even k and vertical for odd k, with a random phase per image and
/// uniform noise; pixel values are multiples of 1/255 so writing and reloading is exact.
/// </summary>
public static class SyntheticImages
{
    /// <summary>Generates <paramref name="count"/> images [count, C, H, W] with pixels in [0, 1].</summary>
    /// <exception cref="ArgumentException">Too many classes for the image size (gratings would alias).</exception>
    public static ImageDataset Generate(int count, int classes = 4, int channels = 1, int height = 8, int width = 8,
        ulong seed = 1, string name = "synthetic", double noise = 0.25)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        int maxFrequency = 1 + (classes - 1) / 2;
        if (2 * maxFrequency >= Math.Min(height, width))
            throw new ArgumentException($"SyntheticImages: {classes} classes need frequencies up to {maxFrequency}, " +
                $"which alias on {height}x{width} images; use larger images or fewer classes");
        var rng = new SplitMix64(seed);
        int plane = height * width, size = channels * plane;
        var pixels = new float[(long)count * size];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            int k = n % classes;
            labels[n] = k;
            double frequency = 1 + k / 2;
            bool vertical = k % 2 == 1;
            double phase = rng.NextDouble() * 2 * Math.PI;
            int side = vertical ? width : height;
            for (int c = 0; c < channels; c++)
            {
                double gain = 1.0 - 0.15 * c;
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        int t = vertical ? x : y;
                        double v = 0.5 + 0.5 * gain * (1 - noise) * Math.Cos(2 * Math.PI * frequency * t / side + phase);
                        v += noise * (rng.NextDouble() - 0.5);
                        pixels[(long)n * size + c * plane + y * width + x] = ToByte(v) / 255f;
                    }
                }
            }
        }
        // interleave classes but not in a fixed cycle, so shuffling matters
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        rng.Shuffle(order.AsSpan());
        var ds = new ImageDataset(name, pixels, labels, channels, height, width, classes);
        return ds.Subset(order, name);
    }

    /// <summary>Generates a training and a test set with different seeds.</summary>
    public static TrainTestData GenerateTrainTest(int trainCount, int testCount, int classes = 4, int channels = 1,
        int height = 8, int width = 8, ulong seed = 1) =>
        new(Generate(trainCount, classes, channels, height, width, seed, "synthetic/train"),
            Generate(testCount, classes, channels, height, width, SplitMix64.Derive(seed, 7), "synthetic/test"));

    /// <summary>
    /// Writes the four Fashion-MNIST idx files for <paramref name="data"/> (single-channel images, labels below
    /// 256) into <paramref name="directory"/>, gzipped (names end in .gz) when <paramref name="gzip"/>.
    /// </summary>
    public static void WriteFashionMnist(string directory, TrainTestData data, bool gzip = false)
    {
        Directory.CreateDirectory(directory);
        string ext = gzip ? ".gz" : "";
        WriteFile(Path.Combine(directory, "train-images-idx3-ubyte" + ext), IdxImages(data.Train), gzip);
        WriteFile(Path.Combine(directory, "train-labels-idx1-ubyte" + ext), IdxLabels(data.Train.Labels), gzip);
        WriteFile(Path.Combine(directory, "t10k-images-idx3-ubyte" + ext), IdxImages(data.Test), gzip);
        WriteFile(Path.Combine(directory, "t10k-labels-idx1-ubyte" + ext), IdxLabels(data.Test.Labels), gzip);
    }

    /// <summary>The bytes of an idx3 images file for <paramref name="data"/> (must have one channel).</summary>
    public static byte[] IdxImages(ImageDataset data)
    {
        if (data.Channels != 1)
            throw new ArgumentException($"idx images have one channel; {data.Name} has {data.Channels}");
        var bytes = new byte[16 + (long)data.Count * data.Height * data.Width];
        BinaryPrimitives.WriteInt32BigEndian(bytes, IdxFile.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), data.Count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), data.Height);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), data.Width);
        for (long i = 0; i < data.Pixels.LongLength; i++) bytes[16 + i] = ToByte(data.Pixels[i]);
        return bytes;
    }

    /// <summary>The bytes of an idx1 labels file.</summary>
    public static byte[] IdxLabels(ReadOnlySpan<int> labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, IdxFile.LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        for (int i = 0; i < labels.Length; i++) bytes[8 + i] = checked((byte)labels[i]);
        return bytes;
    }

    /// <summary>
    /// Writes <paramref name="data"/> (3x32x32 images) as the CIFAR-10 binary files: the training set split over
    /// data_batch_1..5.bin as evenly as possible, and test_batch.bin.
    /// </summary>
    public static void WriteCifar10(string directory, TrainTestData data)
    {
        Directory.CreateDirectory(directory);
        int n = data.Train.Count, at = 0;
        for (int b = 0; b < Cifar10.TrainFiles.Count; b++)
        {
            int take = n / 5 + (b < n % 5 ? 1 : 0);
            WriteFile(Path.Combine(directory, Cifar10.TrainFiles[b]), CifarRecords(data.Train, at, take), false);
            at += take;
        }
        WriteFile(Path.Combine(directory, Cifar10.TestFile), CifarRecords(data.Test, 0, data.Test.Count), false);
    }

    /// <summary>CIFAR-10 binary records for images [start, start + count) of a 3x32x32 dataset.</summary>
    public static byte[] CifarRecords(ImageDataset data, int start, int count)
    {
        if (data.Channels != 3 || data.Height != 32 || data.Width != 32)
            throw new ArgumentException($"CIFAR-10 records hold 3x32x32 images; {data.Name} has " +
                $"{data.Channels}x{data.Height}x{data.Width}");
        var bytes = new byte[(long)count * Cifar10.RecordSize];
        for (int i = 0; i < count; i++)
        {
            bytes[i * Cifar10.RecordSize] = checked((byte)data.Labels[start + i]);
            var img = data.Image(start + i);
            for (int j = 0; j < img.Length; j++) bytes[i * Cifar10.RecordSize + 1 + j] = ToByte(img[j]);
        }
        return bytes;
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>, gzip-compressed when asked.</summary>
    public static void WriteFile(string path, byte[] bytes, bool gzip)
    {
        using var file = File.Create(path);
        if (!gzip)
        {
            file.Write(bytes);
            return;
        }
        using var z = new GZipStream(file, CompressionLevel.Fastest);
        z.Write(bytes);
    }

    private static byte ToByte(double v) => (byte)Math.Clamp(Math.Round(v * 255), 0, 255);
}
