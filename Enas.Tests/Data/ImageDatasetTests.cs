using Enas.Search.Data;

namespace Enas.Tests.Data;

public sealed class ImageDatasetTests
{
    [Fact]
    public void SplitHoldsOutTheRequestedCountDisjointly()
    {
        var data = SyntheticImages.Generate(100, classes: 4, seed: 2);
        for (int i = 0; i < data.Count; i++) data.Image(i)[0] = i; // tag each image with its index

        var (train, validation) = data.Split(validationCount: 30, seed: 9);

        Assert.Equal(70, train.Count);
        Assert.Equal(30, validation.Count);
        var trainIds = Enumerable.Range(0, train.Count).Select(i => (int)train.Image(i)[0]).ToList();
        var validIds = Enumerable.Range(0, validation.Count).Select(i => (int)validation.Image(i)[0]).ToList();
        Assert.Empty(trainIds.Intersect(validIds));
        Assert.Equal(Enumerable.Range(0, 100), trainIds.Concat(validIds).Order());
        Assert.Equal(trainIds.Order(), trainIds); // original order kept
        for (int i = 0; i < train.Count; i++) Assert.Equal(data.Labels[trainIds[i]], train.Labels[i]);
    }

    [Fact]
    public void SplitIsDeterministicPerSeed()
    {
        var data = SyntheticImages.Generate(60, seed: 2);
        var a = data.Split(10, seed: 1).Validation;
        var b = data.Split(10, seed: 1).Validation;
        var c = data.Split(10, seed: 2).Validation;
        Assert.Equal(a.Pixels, b.Pixels);
        Assert.NotEqual(a.Pixels, c.Pixels);
    }

    [Fact]
    public void SplitRefusesToEmptyTheTrainingSet()
    {
        var data = SyntheticImages.Generate(10);
        var e = Assert.Throws<DatasetException>(() => data.Split(10));
        Assert.Contains("cannot hold out 10 validation images from 10", e.Message);
    }

    [Fact]
    public void ChannelStatsMatchANaiveComputation()
    {
        var data = SyntheticImages.Generate(7, classes: 2, channels: 3, height: 5, width: 6, seed: 4);
        var stats = data.ComputeChannelStats();
        for (int c = 0; c < 3; c++)
        {
            var values = new List<double>();
            for (int n = 0; n < data.Count; n++)
                for (int i = 0; i < 30; i++) values.Add(data.Image(n)[c * 30 + i]);
            double mean = values.Average();
            double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
            Assert.Equal(mean, stats.Mean[c], 5);
            Assert.Equal(std, stats.Std[c], 5);
        }
    }

    [Fact]
    public void DataSplitsNormaliseEverySplitWithTrainingStatistics()
    {
        var raw = SyntheticImages.GenerateTrainTest(80, 20, classes: 2, channels: 3, height: 5, width: 5, seed: 6);
        float testPixel = raw.Test.Pixels[17]; // channel 0 of image 0

        var splits = DataSplits.Create(raw, validationCount: 16, seed: 3);

        Assert.Equal((64, 16, 20), (splits.Train.Count, splits.Validation.Count, splits.Test.Count));
        var after = splits.Train.ComputeChannelStats();
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(0, after.Mean[c], 4);
            Assert.Equal(1, after.Std[c], 4);
        }
        Assert.Equal((testPixel - splits.Stats.Mean[0]) / splits.Stats.Std[0], splits.Test.Pixels[17], 5);
    }

    [Fact]
    public void ConstantChannelDoesNotDivideByZero()
    {
        var data = new ImageDataset("flat", new float[2 * 4], [0, 1], 1, 2, 2, 2);
        var stats = data.ComputeChannelStats();
        data.Normalize(stats);
        Assert.All(data.Pixels, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ConstructorRejectsInconsistentData()
    {
        Assert.Throws<ArgumentException>(() => new ImageDataset("x", new float[7], [0, 1], 1, 2, 2, 2));
        var e = Assert.Throws<ArgumentException>(() => new ImageDataset("x", new float[8], [0, 2], 1, 2, 2, 2));
        Assert.Contains("label 2 of image 1", e.Message);
    }

    [Fact]
    public void SyntheticClassesAreSeparable()
    {
        // nearest class-mean of the grating's power spectrum would do; a simple check: per-class mean images differ
        var data = SyntheticImages.Generate(200, classes: 4, height: 12, width: 12, seed: 8);
        var rowVar = new double[4];
        var colVar = new double[4];
        for (int n = 0; n < data.Count; n++)
        {
            var img = data.Image(n);
            double rv = 0, cv = 0;
            for (int y = 0; y < 12; y++)
            {
                double row = 0, col = 0;
                for (int x = 0; x < 12; x++)
                {
                    row += img[y * 12 + x] - 0.5;
                    col += img[x * 12 + y] - 0.5;
                }
                rv += row * row;
                cv += col * col;
            }
            rowVar[data.Labels[n]] += rv;
            colVar[data.Labels[n]] += cv;
        }
        // even classes vary along rows (horizontal gratings), odd along columns
        Assert.True(rowVar[0] > 5 * colVar[0] && rowVar[2] > 5 * colVar[2]);
        Assert.True(colVar[1] > 5 * rowVar[1] && colVar[3] > 5 * rowVar[3]);
    }
}
