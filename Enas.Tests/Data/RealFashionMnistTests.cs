using System.Diagnostics;
using Enas.Search.Data;
using Xunit.Abstractions;

namespace Enas.Tests.Data;

/// <summary>Skips (with the reason shown) when the Debian package's files are not installed.</summary>
public sealed class RequiresFashionMnistFactAttribute : FactAttribute
{
    public RequiresFashionMnistFactAttribute()
    {
        if (!File.Exists(Path.Combine(FashionMnist.DefaultDirectory, "train-images-idx3-ubyte.gz")) &&
            !File.Exists(Path.Combine(FashionMnist.DefaultDirectory, "train-images-idx3-ubyte")))
            Skip = $"Fashion-MNIST is not installed in {FashionMnist.DefaultDirectory} " +
                   "(apt-get install -y dataset-fashion-mnist)";
    }
}

public sealed class RealFashionMnistTests(ITestOutputHelper output)
{
    [RequiresFashionMnistFact]
    public void LoadsTheInstalledDataset()
    {
        var sw = Stopwatch.StartNew();
        var data = FashionMnist.Load();
        sw.Stop();
        output.WriteLine($"Fashion-MNIST loaded in {sw.Elapsed.TotalSeconds:F2} s");

        Assert.Equal((60000, 1, 28, 28), (data.Train.Count, data.Train.Channels, data.Train.Height, data.Train.Width));
        Assert.Equal(10000, data.Test.Count);
        var perClass = new int[10];
        foreach (var l in data.Train.Labels) perClass[l]++;
        Assert.All(perClass, c => Assert.Equal(6000, c));
        var stats = data.Train.ComputeChannelStats();
        output.WriteLine($"training statistics: {stats}");
        // published Fashion-MNIST statistics: mean 0.2860, std 0.3530
        Assert.InRange(stats.Mean[0], 0.285f, 0.287f);
        Assert.InRange(stats.Std[0], 0.352f, 0.354f);
    }
}
