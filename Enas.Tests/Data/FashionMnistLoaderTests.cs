using System.Buffers.Binary;
using Enas.Search.Data;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Data;

public sealed class FashionMnistLoaderTests
{
    private static TrainTestData Sample() => SyntheticImages.GenerateTrainTest(50, 20, classes: 10, height: 12, width: 12, seed: 3);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoadsWhatWasWritten(bool gzip)
    {
        using var dir = new TempFolder();
        var data = Sample();
        SyntheticImages.WriteFashionMnist(dir.Path, data, gzip);
        Assert.Equal(gzip, File.Exists(dir["train-images-idx3-ubyte.gz"]));

        var loaded = FashionMnist.Load(dir.Path);

        foreach (var (expected, actual) in new[] { (data.Train, loaded.Train), (data.Test, loaded.Test) })
        {
            Assert.Equal(expected.Count, actual.Count);
            Assert.Equal((1, 12, 12, 10), (actual.Channels, actual.Height, actual.Width, actual.ClassCount));
            Assert.Equal(expected.Labels, actual.Labels);
            Assert.Equal(expected.Pixels, actual.Pixels);
        }
    }

    [Fact]
    public void MissingFileNamesItAndTheFixes()
    {
        using var dir = new TempFolder();
        SyntheticImages.WriteFashionMnist(dir.Path, Sample());
        File.Delete(dir["t10k-labels-idx1-ubyte"]);

        var e = Assert.Throws<DatasetException>(() => FashionMnist.Load(dir.Path));

        Assert.Contains("t10k-labels-idx1-ubyte[.gz]", e.Message);
        Assert.Contains(dir.Path, e.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
        Assert.Contains("--data DIR", e.Message);
        Assert.StartsWith("Fashion-MNIST not found: missing t10k-labels-idx1-ubyte[.gz] in", e.Message);
        foreach (var file in FashionMnist.FileNames) Assert.Single(e.Message.Split(file + "[.gz]").Skip(1));
    }

    [Fact]
    public void AnEmptyFolderNamesEachFileOnce()
    {
        using var dir = new TempFolder();
        var e = Assert.Throws<DatasetException>(() => FashionMnist.Load(dir.Path));
        Assert.Contains($"none of its 4 files", e.Message);
        foreach (var file in FashionMnist.FileNames) Assert.Single(e.Message.Split(file + "[.gz]").Skip(1));
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
    }

    [Fact]
    public void MissingFolderSaysSo()
    {
        var e = Assert.Throws<DatasetException>(() => FashionMnist.Load("/nonexistent/enas-data"));
        Assert.Contains("/nonexistent/enas-data does not exist", e.Message);
        Assert.Contains("train-images-idx3-ubyte[.gz]", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedImagesAreRejected(bool gzip)
    {
        using var dir = new TempFolder();
        var data = Sample();
        SyntheticImages.WriteFashionMnist(dir.Path, data, gzip);
        var bytes = SyntheticImages.IdxImages(data.Train);
        string path = dir["train-images-idx3-ubyte" + (gzip ? ".gz" : "")];
        SyntheticImages.WriteFile(path, bytes[..^100], gzip);

        var e = Assert.Throws<DatasetException>(() => FashionMnist.Load(dir.Path));

        Assert.Equal(path, e.Path);
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains($"promises {50 * 144} data bytes", e.Message);
    }

    [Fact]
    public void CutGzipStreamIsRejected()
    {
        using var dir = new TempFolder();
        SyntheticImages.WriteFashionMnist(dir.Path, Sample(), gzip: true);
        string path = dir["train-images-idx3-ubyte.gz"];
        var gz = File.ReadAllBytes(path);
        File.WriteAllBytes(path, gz[..(gz.Length / 2)]);

        var e = Assert.Throws<DatasetException>(() => FashionMnist.Load(dir.Path));

        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void SwappedFilesGiveWrongMagic()
    {
        using var dir = new TempFolder();
        var data = Sample();
        SyntheticImages.WriteFashionMnist(dir.Path, data);
        File.WriteAllBytes(dir["train-images-idx3-ubyte"], SyntheticImages.IdxLabels(data.Train.Labels));

        var e = Assert.Throws<DatasetException>(() => FashionMnist.Load(dir.Path));

        Assert.Contains("train-images-idx3-ubyte", e.Message);
        Assert.Contains("wrong magic number 0x00000801, expected 0x00000803", e.Message);
        Assert.Contains("swapped", e.Message);
    }

    [Fact]
    public void CountMismatchIsRejected()
    {
        using var dir = new TempFolder();
        var data = Sample();
        SyntheticImages.WriteFashionMnist(dir.Path, data);
        File.WriteAllBytes(dir["train-labels-idx1-ubyte"], SyntheticImages.IdxLabels(data.Train.Labels.AsSpan(0, 49)));

        var e = Assert.Throws<DatasetException>(() => FashionMnist.Load(dir.Path));

        Assert.Contains("holds 49 labels", e.Message);
        Assert.Contains("holds 50 images", e.Message);
        Assert.Contains("must match", e.Message);
    }

    [Fact]
    public void LabelOutOfRangeIsRejected()
    {
        using var dir = new TempFolder();
        var data = Sample();
        SyntheticImages.WriteFashionMnist(dir.Path, data);
        var labels = (int[])data.Test.Labels.Clone();
        labels[7] = 12;
        File.WriteAllBytes(dir["t10k-labels-idx1-ubyte"], SyntheticImages.IdxLabels(labels));

        var e = Assert.Throws<DatasetException>(() => FashionMnist.Load(dir.Path));

        Assert.Contains("t10k-labels-idx1-ubyte", e.Message);
        Assert.Contains("label 12 of item 7 is out of range; expected 0..9", e.Message);
    }

    [Fact]
    public void EmptyFileIsRejected()
    {
        using var dir = new TempFolder();
        SyntheticImages.WriteFashionMnist(dir.Path, Sample());
        File.WriteAllBytes(dir["train-labels-idx1-ubyte"], []);

        var e = Assert.Throws<DatasetException>(() => FashionMnist.Load(dir.Path));

        Assert.Contains("train-labels-idx1-ubyte: the file is empty", e.Message);
    }

    [Fact]
    public void ZeroDimensionIsRejected()
    {
        using var dir = new TempFolder();
        var data = Sample();
        SyntheticImages.WriteFashionMnist(dir.Path, data);
        var bytes = SyntheticImages.IdxImages(data.Train);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), 0);
        File.WriteAllBytes(dir["train-images-idx3-ubyte"], bytes);

        var e = Assert.Throws<DatasetException>(() => FashionMnist.Load(dir.Path));

        Assert.Contains("wrong dimensions", e.Message);
    }

    [Fact]
    public void DifferentImageSizesForTrainAndTestAreRejected()
    {
        using var dir = new TempFolder();
        var data = Sample();
        SyntheticImages.WriteFashionMnist(dir.Path, data);
        var other = SyntheticImages.Generate(20, classes: 10, height: 14, width: 14);
        File.WriteAllBytes(dir["t10k-images-idx3-ubyte"], SyntheticImages.IdxImages(other));

        var e = Assert.Throws<DatasetException>(() => FashionMnist.Load(dir.Path));

        Assert.Contains("test images are 14x14 but training images are 12x12", e.Message);
    }

    [Fact]
    public void PlainGzSuffixOnPlainDataIsRejected()
    {
        using var dir = new TempFolder();
        var data = Sample();
        SyntheticImages.WriteFashionMnist(dir.Path, data);
        File.Move(dir["train-images-idx3-ubyte"], dir["train-images-idx3-ubyte.gz"]);

        var e = Assert.Throws<DatasetException>(() => FashionMnist.Load(dir.Path));

        Assert.Contains("not gzip-compressed", e.Message);
    }
}
