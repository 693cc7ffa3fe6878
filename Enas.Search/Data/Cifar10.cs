namespace Enas.Search.Data;

/// <summary>
/// CIFAR-10, binary version: <c>data_batch_1.bin</c> .. <c>data_batch_5.bin</c> (training) and
/// <c>test_batch.bin</c>, each a sequence of 3073-byte records (1 label byte, then 3072 pixel bytes: the red,
/// green and blue 32x32 planes in row-major order).
/// </summary>
public static class Cifar10
{
    /// <summary>Bytes per record.</summary>
    public const int RecordSize = 1 + ImageBytes;

    /// <summary>Pixel bytes per record (3 x 32 x 32).</summary>
    public const int ImageBytes = 3 * 32 * 32;

    /// <summary>Number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>Training file names in load order.</summary>
    public static readonly IReadOnlyList<string> TrainFiles =
        ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];

    /// <summary>Test file name.</summary>
    public const string TestFile = "test_batch.bin";

    /// <summary>Class names by label.</summary>
    public static readonly IReadOnlyList<string> ClassNames =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>
    /// Loads training (all five batches, in order) and test sets from <paramref name="directory"/> (the folder
    /// <c>cifar-10-batches-bin</c> of the official archive), pixels scaled to [0, 1], shape [N, 3, 32, 32].
    /// </summary>
    /// <exception cref="DatasetException">A file is missing or corrupt; the message says which and how to fix it.</exception>
    public static TrainTestData Load(string directory)
    {
        var all = TrainFiles.Append(TestFile).ToArray();
        var missing = all.Where(f => !File.Exists(Path.Combine(directory, f))).ToList();
        if (missing.Count > 0)
            throw new DatasetException(directory, DatasetFiles.MissingMessage("CIFAR-10 (binary version)", directory, all, missing,
                "Pass --data DIR pointing at the folder cifar-10-batches-bin of cifar-10-binary.tar.gz from " +
                "https://www.cs.toronto.edu/~kriz/cifar.html."));
        var trainParts = TrainFiles.Select(f => ReadFile(Path.Combine(directory, f))).ToList();
        long trainCount = trainParts.Sum(p => (long)p.Labels.Length);
        var pixels = new float[trainCount * ImageBytes];
        var labels = new int[trainCount];
        long at = 0;
        foreach (var (p, l) in trainParts)
        {
            Array.Copy(p, 0, pixels, at * ImageBytes, p.Length);
            Array.Copy(l, 0, labels, at, l.Length);
            at += l.Length;
        }
        var train = new ImageDataset("cifar10/train", pixels, labels, 3, 32, 32, ClassCount);
        var (tp, tl) = ReadFile(Path.Combine(directory, TestFile));
        return new TrainTestData(train, new ImageDataset("cifar10/test", tp, tl, 3, 32, 32, ClassCount));
    }

    private static (float[] Pixels, int[] Labels) ReadFile(string path)
    {
        var bytes = DatasetFiles.ReadAll(path);
        if (bytes.Length % RecordSize != 0)
            throw new DatasetException(path, $"{path}: {bytes.Length} bytes is not a whole number of " +
                $"{RecordSize}-byte records (1 label byte + {ImageBytes} pixel bytes); the file is truncated or " +
                "not the CIFAR-10 binary version (CIFAR-100 records have 2 label bytes). Replace it.");
        int count = bytes.Length / RecordSize;
        var pixels = new float[(long)count * ImageBytes];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int label = bytes[i * RecordSize];
            if (label >= ClassCount)
                throw new DatasetException(path, $"{path}: label {label} of record {i} is out of range; expected " +
                    $"0..{ClassCount - 1}. The file is corrupt or not CIFAR-10.");
            labels[i] = label;
            FashionMnist.BytesToUnit(bytes.AsSpan(i * RecordSize + 1, ImageBytes), pixels.AsSpan(i * ImageBytes, ImageBytes));
        }
        return (pixels, labels);
    }
}
