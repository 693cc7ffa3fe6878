namespace Enas.Search.Data;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): 60,000 training and 10,000 test 28x28 grayscale images of 10
/// clothing classes, read from the four standard idx files, plain or gzipped.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The four file names (each may also carry a .gz suffix).</summary>
    public static readonly IReadOnlyList<string> FileNames =
    [
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
    ];

    /// <summary>Class names by label.</summary>
    public static readonly IReadOnlyList<string> ClassNames =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    /// <summary>Number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>
    /// Loads training and test sets from <paramref name="directory"/> (default <see cref="DefaultDirectory"/>),
    /// pixels scaled to [0, 1], shape [N, 1, H, W].
    /// </summary>
    /// <exception cref="DatasetException">A file is missing or corrupt; the message says which and how to fix it.</exception>
    public static TrainTestData Load(string? directory = null)
    {
        string dir = directory ?? DefaultDirectory;
        var paths = new string[FileNames.Count];
        var missing = new List<string>();
        for (int i = 0; i < FileNames.Count; i++)
        {
            var p = DatasetFiles.Find(dir, FileNames[i]);
            if (p is null) missing.Add(FileNames[i] + "[.gz]");
            else paths[i] = p;
        }
        if (missing.Count > 0)
            throw new DatasetException(dir, DatasetFiles.MissingMessage("Fashion-MNIST", dir, [.. FileNames.Select(f => f + "[.gz]")],
                missing, $"Install them with `apt-get install dataset-fashion-mnist` (puts them in {DefaultDirectory}) or pass " +
                         "--data DIR pointing at a folder that holds them."));
        var train = Read(paths[0], paths[1], "fashion-mnist/train");
        var test = Read(paths[2], paths[3], "fashion-mnist/test");
        if (train.Height != test.Height || train.Width != test.Width)
            throw new DatasetException(paths[2], $"{paths[2]}: wrong dimensions: test images are " +
                $"{test.Height}x{test.Width} but training images are {train.Height}x{train.Width}; the files come " +
                "from different datasets.");
        return new TrainTestData(train, test);
    }

    /// <summary>Reads one images/labels pair of idx files into a dataset (any image size, labels 0..9).</summary>
    internal static ImageDataset Read(string imagesPath, string labelsPath, string name)
    {
        var (count, rows, cols, data, offset) = IdxFile.ReadImages(imagesPath);
        var labelBytes = IdxFile.ReadLabels(labelsPath).Span;
        if (labelBytes.Length != count)
            throw new DatasetException(labelsPath, $"{labelsPath}: holds {labelBytes.Length} labels but " +
                $"{imagesPath} holds {count} images; image and label counts must match (mixed-up files?).");
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int label = labelBytes[i];
            if (label >= ClassCount)
                throw new DatasetException(labelsPath, $"{labelsPath}: label {label} of item {i} is out of range; " +
                    $"expected 0..{ClassCount - 1}. The file is corrupt or not Fashion-MNIST.");
            labels[i] = label;
        }
        var pixels = new float[(long)count * rows * cols];
        BytesToUnit(data.AsSpan(offset, pixels.Length), pixels);
        return new ImageDataset(name, pixels, labels, 1, rows, cols, ClassCount);
    }

    private static readonly float[] UnitTable = BuildUnitTable();

    /// <summary>dst[i] = src[i] / 255 (correctly rounded, through a table).</summary>
    internal static void BytesToUnit(ReadOnlySpan<byte> src, Span<float> dst)
    {
        var table = UnitTable;
        for (int i = 0; i < src.Length; i++) dst[i] = table[src[i]];
    }

    private static float[] BuildUnitTable()
    {
        var table = new float[256];
        for (int i = 0; i < 256; i++) table[i] = i / 255f;
        return table;
    }
}
