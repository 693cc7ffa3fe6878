namespace Enas.Search.Data;

/// <summary>
/// <c>--dataset folder --data DIR</c>: the user's own images, one subfolder per class (see
/// <see cref="ImageFolderLayout"/>), decoded with <see cref="ImageDecoder"/> and made square with
/// <see cref="SquareResize"/>. The dataset is grey (1 channel) when every image is grey, else RGB; pixels are in [0, 1].
/// Without <c>train/</c> and <c>test/</c> folders the test split is held out of each class the same way for every
/// seed: the class's images sorted by path, k = max(1, n / 5) of its n images at evenly spaced positions
/// (floor((j + 0.5) n / k), j = 0 .. k - 1) are test images.
/// </summary>
public static class ImageFolderDataset
{
    /// <summary>The share of each class held out as test images when the folder has no test split.</summary>
    public const int TestEvery = 5;

    /// <summary>Loads <paramref name="directory"/> with <paramref name="options"/>.</summary>
    /// <exception cref="DatasetException">The folder's layout, an image, or the image sizes are a problem; the message
    /// names it and the fix.</exception>
    public static TrainTestData Load(string directory, ImageFolderOptions options)
    {
        var layout = ImageFolderLayout.Scan(directory);
        var skipped = new List<SkippedImage>();
        var sizes = new Dictionary<string, (int Width, int Height)>();
        var train = Readable(layout, layout.Train, options, skipped, sizes);
        var test = layout.Test is { } t ? Readable(layout, t, options, skipped, sizes) : null;
        int size = options.ImageSize ?? CommonSize(layout.Root, [.. train, .. test ?? []], sizes);
        string testRule;
        if (test is null)
        {
            foreach (var c in train.Where(c => c.Files.Count < 2))
                throw new DatasetException(c.Folder, $"class folder {c.Folder} holds {c.Files.Count} readable image: with no {ImageFolderLayout.TestFolder}/ " +
                    "folder a test image is held out of every class, so each class needs at least two images. Add images, or give " +
                    $"{ImageFolderLayout.TrainFolder}/ and {ImageFolderLayout.TestFolder}/ folders.");
            (train, test) = HoldOut(train);
            testRule = $"held out of each class (every {TestEvery}th image by file name, evenly spaced; the same for every seed)";
        }
        else testRule = $"the {ImageFolderLayout.TestFolder}/ folder";
        var decodedTrain = Decode(layout, train, size, options, skipped);
        var decodedTest = Decode(layout, test, size, options, skipped);
        foreach (var (c, images) in train.Zip(decodedTrain).Concat(test.Zip(decodedTest)))
            if (images.Count == 0)
                throw new DatasetException(c.Folder, $"class folder {c.Folder} holds no readable image (all were left out: see above). " +
                                                     "Replace them or remove the class folder.");
        bool grey = decodedTrain.Concat(decodedTest).SelectMany(x => x).All(i => i.Grey);
        int channels = grey ? 1 : 3;
        var trainSet = ToDataset("folder/train", decodedTrain, size, channels);
        var testSet = ToDataset("folder/test", decodedTest, size, channels);
        bool resized = decodedTrain.Concat(decodedTest).SelectMany(x => x).Any(i => i.Resized);
        string rule = resized ? $"shorter side resized to {size}, centre {size}x{size} cropped" : "used as they are";
        var info = new FolderDataInfo(layout.Root, size, channels, rule, testRule, trainSet.Count, testSet.Count, skipped, layout.IgnoredFiles);
        return new TrainTestData(trainSet, testSet) { ClassNames = layout.Classes, Folder = info };
    }

    /// <summary>One decoded, squared image: RGB bytes, N x N.</summary>
    private sealed record SquareImage(byte[] Rgb, bool Grey, bool Resized);

    /// <summary>The classes with the files whose headers read; unreadable headers are skipped or fatal. Each header's
    /// size goes into <paramref name="sizes"/>, so no header is read twice.</summary>
    private static List<ClassFiles> Readable(ImageFolderLayout layout, IReadOnlyList<ClassFiles> classes, ImageFolderOptions options,
        List<SkippedImage> skipped, Dictionary<string, (int Width, int Height)> sizes)
    {
        var result = new List<ClassFiles>();
        foreach (var c in classes)
        {
            var files = new List<string>();
            foreach (var f in c.Files)
            {
                try { sizes[f] = ImageDecoder.ReadSize(f); files.Add(f); }
                catch (BadImageException e) { Bad(layout, f, e, options, skipped); }
            }
            result.Add(c with { Files = files });
        }
        return result;
    }

    private static void Bad(ImageFolderLayout layout, string file, BadImageException e, ImageFolderOptions options, List<SkippedImage> skipped)
    {
        if (!options.SkipBadImages)
            throw new DatasetException(file, $"unreadable image {file}: {e.Message}. Replace or remove the file, or pass --bad-images skip " +
                                             "to leave unreadable images out (each is named).");
        skipped.Add(new SkippedImage(Path.GetRelativePath(layout.Root, file), e.Message));
    }

    /// <summary>The one image size of the folder (its shorter side); several sizes need --image-size.</summary>
    private static int CommonSize(string root, IReadOnlyList<ClassFiles> classes, IReadOnlyDictionary<string, (int Width, int Height)> headers)
    {
        var sizes = classes.SelectMany(c => c.Files).Select(f => (File: f, Size: headers[f])).ToList();
        var bySize = sizes.GroupBy(s => s.Size).OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Width).ThenBy(g => g.Key.Height).ToList();
        var (w, h) = bySize[0].Key;
        if (bySize.Count == 1) return Math.Min(w, h);
        string counts = string.Join(", ", bySize.Take(4).Select(g => $"{g.Count()} {(g.Count() == 1 ? "is" : "are")} {g.Key.Width}x{g.Key.Height}")) +
                        (bySize.Count > 4 ? $", and {bySize.Count - 4} more sizes" : "");
        var odd = bySize[1].First();
        throw new DatasetException(root, $"{root}: the images have {bySize.Count} different sizes ({counts}; e.g. " +
            $"{Path.GetRelativePath(root, odd.File)} is {odd.Size.Width}x{odd.Size.Height}). Pass --image-size N to resize every image's shorter " +
            $"side to N and crop its centre to N x N (e.g. --image-size {Math.Min(w, h)}, the shorter side of the most common size).");
    }

    /// <summary>Each class split into its training and its held-out test images.</summary>
    private static (List<ClassFiles> Train, List<ClassFiles> Test) HoldOut(List<ClassFiles> classes)
    {
        var train = new List<ClassFiles>();
        var test = new List<ClassFiles>();
        foreach (var c in classes)
        {
            int n = c.Files.Count, k = Math.Max(1, n / TestEvery);
            var testIndex = Enumerable.Range(0, k).Select(j => (int)((j + 0.5) * n / k)).ToHashSet();
            test.Add(c with { Files = [.. c.Files.Where((_, i) => testIndex.Contains(i))] });
            train.Add(c with { Files = [.. c.Files.Where((_, i) => !testIndex.Contains(i))] });
        }
        return (train, test);
    }

    private static List<List<SquareImage>> Decode(ImageFolderLayout layout, IReadOnlyList<ClassFiles> classes, int size, ImageFolderOptions options,
        List<SkippedImage> skipped)
    {
        var result = new List<List<SquareImage>>();
        foreach (var c in classes)
        {
            var images = new List<SquareImage>();
            foreach (var f in c.Files)
            {
                try
                {
                    var image = ImageDecoder.Decode(f);
                    images.Add(new SquareImage(SquareResize.Apply(image, size), image.Grey, image.Width != size || image.Height != size));
                }
                catch (BadImageException e) { Bad(layout, f, e, options, skipped); }
            }
            result.Add(images);
        }
        return result;
    }

    /// <summary>The images of every class (label = class index), pixels in [0, 1], [N, C, H, W].</summary>
    private static ImageDataset ToDataset(string name, List<List<SquareImage>> classes, int size, int channels)
    {
        int count = classes.Sum(c => c.Count), plane = size * size;
        var pixels = new float[(long)count * channels * plane];
        var labels = new int[count];
        var unit = new float[256];
        for (int i = 0; i < 256; i++) unit[i] = i / 255f;
        int n = 0;
        for (int label = 0; label < classes.Count; label++)
        {
            foreach (var image in classes[label])
            {
                long at = (long)n * channels * plane;
                for (int p = 0; p < plane; p++)
                    for (int ch = 0; ch < channels; ch++)
                        pixels[at + ch * plane + p] = unit[image.Rgb[p * 3 + ch]];
                labels[n++] = label;
            }
        }
        return new ImageDataset(name, pixels, labels, channels, size, size, classes.Count);
    }
}
