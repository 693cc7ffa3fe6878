using Enas.Search.Data;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Data;

public sealed class Cifar10LoaderTests
{
    private static TrainTestData Sample() =>
        SyntheticImages.GenerateTrainTest(23, 7, classes: 10, channels: 3, height: 32, width: 32, seed: 5);

    [Fact]
    public void LoadsWhatWasWrittenAcrossFiveBatches()
    {
        using var dir = new TempFolder();
        var data = Sample();
        SyntheticImages.WriteCifar10(dir.Path, data);
        Assert.Equal(5 * Cifar10.RecordSize, new FileInfo(dir["data_batch_1.bin"]).Length);
        Assert.Equal(4 * Cifar10.RecordSize, new FileInfo(dir["data_batch_5.bin"]).Length);

        var loaded = Cifar10.Load(dir.Path);

        Assert.Equal((23, 3, 32, 32), (loaded.Train.Count, loaded.Train.Channels, loaded.Train.Height, loaded.Train.Width));
        Assert.Equal(data.Train.Labels, loaded.Train.Labels);
        Assert.Equal(data.Train.Pixels, loaded.Train.Pixels);
        Assert.Equal(data.Test.Labels, loaded.Test.Labels);
        Assert.Equal(data.Test.Pixels, loaded.Test.Pixels);
    }

    [Fact]
    public void ChannelMajorLayoutIsKept()
    {
        using var dir = new TempFolder();
        var data = Sample();
        SyntheticImages.WriteCifar10(dir.Path, data);
        var raw = File.ReadAllBytes(dir["test_batch.bin"]);
        var loaded = Cifar10.Load(dir.Path);
        // record 2, green channel (plane 1), row 5, column 9
        int offset = 2 * Cifar10.RecordSize + 1 + 1024 + 5 * 32 + 9;
        Assert.Equal(raw[offset] / 255f, loaded.Test.Image(2)[1024 + 5 * 32 + 9]);
        Assert.Equal(raw[2 * Cifar10.RecordSize], loaded.Test.Labels[2]);
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        using var dir = new TempFolder();
        SyntheticImages.WriteCifar10(dir.Path, Sample());
        File.Delete(dir["data_batch_3.bin"]);

        var e = Assert.Throws<DatasetException>(() => Cifar10.Load(dir.Path));

        Assert.StartsWith("CIFAR-10 (binary version) not found: missing data_batch_3.bin in", e.Message);
        Assert.Single(e.Message.Split("data_batch_3.bin").Skip(1));
        Assert.Contains("--data DIR", e.Message);
    }

    [Fact]
    public void TruncatedFileIsRejected()
    {
        using var dir = new TempFolder();
        SyntheticImages.WriteCifar10(dir.Path, Sample());
        var bytes = File.ReadAllBytes(dir["data_batch_2.bin"]);
        File.WriteAllBytes(dir["data_batch_2.bin"], bytes[..^1]);

        var e = Assert.Throws<DatasetException>(() => Cifar10.Load(dir.Path));

        Assert.Contains("data_batch_2.bin", e.Message);
        Assert.Contains("not a whole number of 3073-byte records", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void LabelOutOfRangeIsRejected()
    {
        using var dir = new TempFolder();
        SyntheticImages.WriteCifar10(dir.Path, Sample());
        var bytes = File.ReadAllBytes(dir["test_batch.bin"]);
        bytes[3 * Cifar10.RecordSize] = 10;
        File.WriteAllBytes(dir["test_batch.bin"], bytes);

        var e = Assert.Throws<DatasetException>(() => Cifar10.Load(dir.Path));

        Assert.Contains("test_batch.bin: label 10 of record 3 is out of range", e.Message);
    }

    [Fact]
    public void EmptyFileIsRejected()
    {
        using var dir = new TempFolder();
        SyntheticImages.WriteCifar10(dir.Path, Sample());
        File.WriteAllBytes(dir["data_batch_4.bin"], []);

        var e = Assert.Throws<DatasetException>(() => Cifar10.Load(dir.Path));

        Assert.Contains("data_batch_4.bin: the file is empty", e.Message);
    }

    [Fact]
    public void DatasetsLoadsByNameAndExplainsBadNames()
    {
        using var dir = new TempFolder();
        SyntheticImages.WriteCifar10(dir.Path, Sample());
        Assert.Equal(23, Datasets.Load("cifar10", dir.Path).Train.Count);
        Assert.Contains("pass --data DIR", Assert.Throws<DatasetException>(() => Datasets.Load("cifar10")).Message);
        Assert.Contains("expected one of: fashion-mnist, cifar10",
            Assert.Throws<DatasetException>(() => Datasets.Load("mnist", dir.Path)).Message);
    }
}
