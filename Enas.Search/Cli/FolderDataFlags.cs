using System.CommandLine;
using Enas.Search.Data;
using Enas.Search.Training;

namespace Enas.Search.Cli;

/// <summary>The flags of <c>--dataset folder</c> (search, train and eval each hold their own instances).</summary>
internal sealed class FolderDataFlags
{
    public readonly Option<int?> ImageSize = new("--image-size")
    {
        Description = "--dataset folder: side N of the square images the network sees: each image's shorter side is resized to N " +
                      "(bilinear, antialiased), then its centre N x N is cropped. Needed when the images have several sizes",
    };

    public readonly Option<string?> BadImages = new("--bad-images")
    {
        Description = "--dataset folder: fail (stop, naming the first image that cannot be decoded) or skip (leave such images out; " +
                      "each is named at the start and in classes.json)",
    };

    /// <summary>Both flags.</summary>
    public IEnumerable<Option> All() => [ImageSize, BadImages];

    /// <summary>The defaults as the help shows them.</summary>
    public IEnumerable<(Option Option, string Default)> HelpDefaults() =>
        [(ImageSize, "the images' one size (its shorter side; a non-square size is centre-cropped)"), (BadImages, ImageFolderOptions.Fail)];

    /// <summary><paramref name="o"/> with the flags given in <paramref name="p"/>.</summary>
    public SearchOptions Apply(ParseResult p, SearchOptions o) =>
        o with { ImageSize = p.GetValue(ImageSize) ?? o.ImageSize, BadImages = p.GetValue(BadImages) ?? o.BadImages };
}
