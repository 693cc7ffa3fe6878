using Enas.Engine;
using Enas.Kernels;
using Enas.Search.Data;

namespace Enas.Tests.Data;

public sealed class BatcherTests
{
    private static ImageDataset Tagged(int count)
    {
        var data = SyntheticImages.Generate(count, classes: 4, channels: 2, height: 8, width: 8, seed: 11);
        for (int i = 0; i < count; i++) data.Image(i)[0] = 1000 + i; // image id in pixel 0
        return data;
    }

    [Theory]
    [InlineData(false, 10, 23)]
    [InlineData(true, 10, 23)]
    [InlineData(false, 5, 20)]
    public void EveryExampleOncePerEpoch(bool dropLast, int batch, int count)
    {
        var data = Tagged(count);
        var batcher = new Batcher(data, batch, seed: 3, dropLast: dropLast);
        int expectedBatches = dropLast ? count / batch : (count + batch - 1) / batch;
        Assert.Equal(expectedBatches, batcher.BatchesPerEpoch);

        var ids = new List<int>();
        foreach (var b in batcher.Epoch(0))
        {
            Assert.True(dropLast ? b.Count == batch : b.Count <= batch);
            for (int i = 0; i < b.Count; i++)
            {
                int id = (int)b.Images[i * data.ImageSize] - 1000;
                Assert.Equal(data.Labels[id], b.Labels[i]);
                Assert.Equal(data.Image(id).ToArray(), b.Images.AsSpan(i * data.ImageSize, data.ImageSize).ToArray());
                ids.Add(id);
            }
        }
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(dropLast ? expectedBatches * batch : count, ids.Count);
        Assert.NotEqual(Enumerable.Range(0, ids.Count), ids); // shuffled
    }

    [Fact]
    public void OrderDependsOnSeedAndEpochOnly()
    {
        var data = Tagged(50);
        var a = new Batcher(data, 8, seed: 1);
        var b = new Batcher(data, 8, seed: 1);
        var c = new Batcher(data, 8, seed: 2);
        Assert.Equal(a.EpochOrder(3), b.EpochOrder(3));
        Assert.NotEqual(a.EpochOrder(3), a.EpochOrder(4));
        Assert.NotEqual(a.EpochOrder(3), c.EpochOrder(3));
        Assert.Equal(Enumerable.Range(0, 50), new Batcher(data, 8, 1, shuffle: false).EpochOrder(3));
    }

    [Fact]
    public void ResumingMidEpochReproducesTheUninterruptedBatches()
    {
        var data = Tagged(45);
        var aug = new Augmenter(new AugmentOptions(2, true, 3));
        var full = new Batcher(data, 6, seed: 77, augmenter: aug).Epoch(2).ToList();
        // a fresh batcher (as after a restart), having served other epochs first
        var resumed = new Batcher(data, 6, seed: 77, augmenter: aug);
        _ = resumed.GetBatch(0, 1);
        var tail = resumed.Epoch(2, startBatch: 3).ToList();

        Assert.Equal(full.Count - 3, tail.Count);
        for (int k = 0; k < tail.Count; k++)
        {
            Assert.Equal(full[k + 3].Index, tail[k].Index);
            Assert.Equal(full[k + 3].LabelSpan.ToArray(), tail[k].LabelSpan.ToArray());
            Assert.Equal(full[k + 3].ImageSpan.ToArray(), tail[k].ImageSpan.ToArray());
        }
    }

    [Fact]
    public void AugmentationDiffersBetweenBatchesAndEpochs()
    {
        var data = Tagged(16);
        var batcher = new Batcher(data, 16, seed: 5, shuffle: false, augmenter: new Augmenter(AugmentOptions.Standard));
        var e0 = batcher.GetBatch(0, 0);
        var e1 = batcher.GetBatch(1, 0);
        Assert.Equal(e0.Labels, e1.Labels); // same order (no shuffle)
        Assert.NotEqual(e0.Images, e1.Images); // new augmentation draws
        Assert.Equal(e0.Images, batcher.GetBatch(0, 0).Images);
    }

    [Fact]
    public void FillReusesABufferForAShortLastBatch()
    {
        var data = Tagged(13);
        var batcher = new Batcher(data, 5, seed: 1);
        var buffer = batcher.CreateBuffer();
        batcher.Fill(0, 2, buffer);
        Assert.Equal(3, buffer.Count);
        Assert.Equal(new Shape(3, 2, 8, 8), buffer.ImageShape);
        Assert.Throws<ArgumentOutOfRangeException>(() => batcher.Fill(0, 3, buffer));
    }

    [Fact]
    public void ToTensorsUploadsImagesAndInt32Labels()
    {
        var data = Tagged(9);
        var batch = new Batcher(data, 4, seed: 1).GetBatch(0, 2);
        using var scope = TensorScope.Begin();
        var (x, y) = batch.ToTensors(Device.Cpu);
        Assert.Equal(new Shape(1, 2, 8, 8), x.Shape);
        Assert.Equal(DType.Float32, x.DType);
        Assert.Equal(DType.Int32, y.DType);
        Assert.Equal(batch.ImageSpan.ToArray(), x.ToArray<float>());
        Assert.Equal(batch.LabelSpan.ToArray(), y.ToArray<int>());
    }
}
