using Enas.Search.Data;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Data.Folder;

public sealed class ImageFolderDatasetTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string[] Classes = ["cat", "dog", "emu"];

    private static TrainTestData Load(string dir, int? size = null, bool skip = false) =>
        Datasets.Load("folder", dir, new ImageFolderOptions(size, skip));

    [Fact]
    public void GreyClassFoldersLoadWithSortedLabelsAndAFixedHeldOutTestSplit()
    {
        string dir = _dir["grey"];
        ImageFolderMaker.Make(dir, ["emu", "cat", "dog"], perClass: 10, width: 12, height: 12, channels: 1);
        var data = Load(dir);
        Assert.Equal(Classes, data.ClassNames);
        Assert.Equal((1, 12, 12, 3), (data.Train.Channels, data.Train.Height, data.Train.Width, data.Train.ClassCount));
        Assert.Equal((24, 6), (data.Train.Count, data.Test.Count));
        Assert.Equal([0, 0, 1, 1, 2, 2], data.Test.Labels);
        // n = 10, k = 2: positions floor(2.5) = 2 and floor(7.5) = 7 are the test images; PNG pixels arrive exactly as
        // written. Make drew "dog" as its class 2 and "cat" as its class 1 (seed 7919 + 1000 c + i).
        var expected = ImageFolderMaker.Pixels(2, 12, 12, 1, 7919 + 2000 + 7);
        Assert.Equal(expected.Select(b => b / 255f), data.Test.Image(3).ToArray());
        Assert.Equal(ImageFolderMaker.Pixels(1, 12, 12, 1, 7919 + 1000 + 0), data.Train.Image(0).ToArray().Select(v => (byte)Math.Round(v * 255)));
        Assert.NotNull(data.Folder);
        Assert.Equal("used as they are", data.Folder.Resize);
        var again = Load(dir);
        Assert.Equal(data.Test.Pixels, again.Test.Pixels);
        Assert.Equal(data.Train.Labels, again.Train.Labels);
    }

    [Fact]
    public void ColourAndJpegImagesGiveThreeChannelsAndRgbWithEqualChannelsCountsAsGrey()
    {
        string colour = _dir["colour"];
        ImageFolderMaker.Make(colour, Classes, perClass: 6, width: 10, height: 10, channels: 3, jpeg: true);
        Assert.Equal(3, Load(colour).Train.Channels);
        string grey = _dir["rgb-grey"];
        foreach (var c in Classes)
            for (int i = 0; i < 3; i++)
            {
                var g = ImageFolderMaker.Pixels(i, 8, 8, 1, i);
                ImageFolderMaker.Write(Path.Combine(grey, c, $"{i}.png"), [.. g.SelectMany(v => new[] { v, v, v })], 8, 8, 3);
            }
        Assert.Equal(1, Load(grey).Train.Channels);
    }

    [Fact]
    public void TrainAndTestFoldersAreUsedAsTheyAreAndMustNameTheSameClasses()
    {
        string dir = _dir["split"];
        ImageFolderMaker.Make(Path.Combine(dir, "train"), Classes, 4, 8, 8, 1);
        ImageFolderMaker.Make(Path.Combine(dir, "test"), Classes, 2, 8, 8, 1, seed: 2);
        var data = Load(dir);
        Assert.Equal((12, 6), (data.Train.Count, data.Test.Count));
        Assert.Equal("the test/ folder", data.Folder!.TestSplit);
        Directory.Delete(Path.Combine(dir, "test", "emu"), recursive: true);
        var e = Assert.Throws<DatasetException>(() => Load(dir));
        Assert.Contains("only in train/: emu", e.Message);
        Directory.Delete(Path.Combine(dir, "test"), recursive: true);
        Assert.Contains("holds train/ but no test/", Assert.Throws<DatasetException>(() => Load(dir)).Message);
    }

    [Fact]
    public void MixedSizesNeedImageSizeWhichResizesTheShorterSideAndCropsTheCentre()
    {
        string dir = _dir["mixed"];
        ImageFolderMaker.Make(dir, Classes, 3, 16, 16, 1);
        ImageFolderMaker.Write(Path.Combine(dir, "dog", "wide.png"), ImageFolderMaker.Pixels(1, 24, 12, 1, 5), 24, 12, 1);
        var e = Assert.Throws<DatasetException>(() => Load(dir));
        Assert.Contains("2 different sizes (9 are 16x16, 1 is 24x12", e.Message);
        Assert.Contains("dog/wide.png is 24x12", e.Message);
        Assert.Contains("--image-size 16", e.Message);
        var data = Load(dir, size: 8);
        Assert.Equal((8, 8), (data.Train.Height, data.Train.Width));
        Assert.Contains("shorter side resized to 8", data.Folder!.Resize);
    }

    [Fact]
    public void ResizeCropsTheCentreExactlyAndAveragesWhenShrinking()
    {
        // 8x4, each column its own value: the shorter side is already 4, so only the centre columns 2..5 remain.
        var rgb = new byte[8 * 4 * 3];
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 8; x++)
                for (int c = 0; c < 3; c++) rgb[(y * 8 + x) * 3 + c] = (byte)(x * 30);
        var cropped = SquareResize.Apply(new DecodedImage(8, 4, rgb, true), 4);
        Assert.Equal([60, 90, 120, 150], Enumerable.Range(0, 4).Select(x => (int)cropped[x * 3]));
        // A 1-pixel checkerboard halved: every output pixel averages two bright and two dark ones.
        var board = new byte[8 * 8 * 3];
        for (int i = 0; i < 64; i++) board[i * 3] = board[i * 3 + 1] = board[i * 3 + 2] = (byte)(((i % 8) + (i / 8)) % 2 == 0 ? 200 : 0);
        var half = SquareResize.Apply(new DecodedImage(8, 8, board, true), 4);
        Assert.All(half, v => Assert.InRange(v, 90, 110)); // point sampling would give all 200 or all 0
    }

    [Fact]
    public void AnUnreadableImageIsNamedOrLeftOutWithSkip()
    {
        string dir = _dir["bad"];
        ImageFolderMaker.Make(dir, Classes, 4, 8, 8, 1);
        File.WriteAllText(Path.Combine(dir, "cat", "broken.png"), "not a png at all");
        File.WriteAllText(Path.Combine(dir, "dog", "notes.txt"), "ignored");
        var e = Assert.Throws<DatasetException>(() => Load(dir));
        Assert.Contains("unreadable image", e.Message);
        Assert.Contains(Path.Combine("cat", "broken.png"), e.Message);
        Assert.Contains("--bad-images skip", e.Message);
        var data = Load(dir, skip: true);
        Assert.Equal(12, data.Train.Count + data.Test.Count);
        var skipped = Assert.Single(data.Folder!.Skipped);
        Assert.Equal(Path.Combine("cat", "broken.png"), skipped.Path);
        Assert.Equal([Path.Combine("dog", "notes.txt")], data.Folder.IgnoredFiles);
        Assert.Contains(data.Folder.Lines(), l => l.Contains("left out 1 unreadable image") && l.Contains("broken.png"));
    }

    [Fact]
    public void EmptyClassSingleClassAndMissingFolderAreClearErrors()
    {
        string dir = _dir["layout"];
        ImageFolderMaker.Make(dir, ["only"], 3, 8, 8, 1);
        Assert.Contains("single class folder (only/)", Assert.Throws<DatasetException>(() => Load(dir)).Message);
        Directory.CreateDirectory(Path.Combine(dir, "empty"));
        var e = Assert.Throws<DatasetException>(() => Load(dir));
        Assert.Contains($"class folder {Path.Combine(dir, "empty")} holds no images", e.Message);
        Assert.Contains("does not exist", Assert.Throws<DatasetException>(() => Load(_dir["nowhere"])).Message);
        Assert.Contains("needs --data DIR", Assert.Throws<DatasetException>(() => Datasets.Load("folder")).Message);
        Assert.Contains("apply to --dataset folder only",
            Assert.Throws<DatasetException>(() => Datasets.Load("fashion-mnist", null, new ImageFolderOptions(32))).Message);
    }

    [Fact]
    public void AClassOfOneImageCannotGiveATestImage()
    {
        string dir = _dir["one"];
        ImageFolderMaker.Make(dir, ["a", "b"], 3, 8, 8, 1);
        foreach (var f in Directory.GetFiles(Path.Combine(dir, "b")).Skip(1)) File.Delete(f);
        Assert.Contains("at least two images", Assert.Throws<DatasetException>(() => Load(dir)).Message);
    }

    [Theory]
    [InlineData(2, null, "--image-size must be 4..1024")]
    [InlineData(null, "maybe", "--bad-images must be fail or skip")]
    public void FlagValuesAreChecked(int? size, string? bad, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => ImageFolderOptions.FromFlags(size, bad)).Message);
}
