namespace Enas.Search.Data;

/// <summary>How <c>--dataset folder</c> reads a folder of images.</summary>
/// <param name="ImageSize">Side N of the square images the network sees (<c>--image-size</c>): each image's shorter
/// side is resized to N, then the centre N x N is cropped. Null: every image must have one size W x H, and N is its
/// shorter side (a square size is used as it is, a non-square one is centre-cropped).</param>
/// <param name="SkipBadImages">An image that cannot be decoded is left out and named (<c>--bad-images skip</c>)
/// instead of stopping the load (<c>fail</c>, the default).</param>
public sealed record ImageFolderOptions(int? ImageSize = null, bool SkipBadImages = false)
{
    /// <summary>The smallest and largest <see cref="ImageSize"/> accepted.</summary>
    public const int MinImageSize = 4, MaxImageSize = 1024;

    /// <summary>The values of <c>--bad-images</c>.</summary>
    public const string Fail = "fail", Skip = "skip";

    /// <summary>The options as the flags give them; throws <see cref="ArgumentException"/> naming the flag.</summary>
    public static ImageFolderOptions FromFlags(int? imageSize, string? badImages)
    {
        if (imageSize is { } n && n is < MinImageSize or > MaxImageSize)
            throw new ArgumentException($"--image-size must be {MinImageSize}..{MaxImageSize} pixels, got {n}");
        bool skip = badImages switch
        {
            null or Fail => false,
            Skip => true,
            _ => throw new ArgumentException($"--bad-images must be {Fail} or {Skip}, got '{badImages}'"),
        };
        return new ImageFolderOptions(imageSize, skip);
    }
}
