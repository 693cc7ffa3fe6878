namespace Enas.Search.Data;

/// <summary>An image left out of an image folder by <c>--bad-images skip</c>, and why.</summary>
/// <param name="Path">The file, relative to the data folder.</param>
/// <param name="Reason">What the decoder found.</param>
public sealed record SkippedImage(string Path, string Reason);

/// <summary>How <c>--dataset folder</c> read its images (printed at the start and kept in classes.json).</summary>
/// <param name="Root">The data folder (absolute).</param>
/// <param name="ImageSize">Side of the square images made from the files.</param>
/// <param name="Channels">1 when every image is grey, else 3.</param>
/// <param name="Resize">The resize rule as applied ("as they are" when nothing was resized).</param>
/// <param name="TestSplit">Where the test images come from.</param>
/// <param name="TrainImages">Training images.</param>
/// <param name="TestImages">Test images.</param>
/// <param name="Skipped">Images left out as unreadable.</param>
/// <param name="IgnoredFiles">Files in class folders that are not .png, .jpg or .jpeg (relative paths).</param>
public sealed record FolderDataInfo(string Root, int ImageSize, int Channels, string Resize, string TestSplit, int TrainImages,
    int TestImages, IReadOnlyList<SkippedImage> Skipped, IReadOnlyList<string> IgnoredFiles)
{
    /// <summary>Lines for the console: what was read, and what was left out.</summary>
    public IEnumerable<string> Lines()
    {
        yield return $"image folder {Root}: {TrainImages} training / {TestImages} test images, {(Channels == 1 ? "grey" : "RGB")} " +
                     $"{ImageSize}x{ImageSize} ({Resize}); test split: {TestSplit}";
        if (Skipped.Count > 0)
            yield return $"left out {Skipped.Count} unreadable image(s) (--bad-images skip): " +
                         string.Join("; ", Skipped.Take(5).Select(s => $"{s.Path}: {s.Reason}")) +
                         (Skipped.Count > 5 ? $"; and {Skipped.Count - 5} more, all in classes.json" : "");
        if (IgnoredFiles.Count > 0)
            yield return $"not read: {IgnoredFiles.Count} file(s) that are not .png/.jpg/.jpeg (e.g. {IgnoredFiles[0]})";
    }
}
