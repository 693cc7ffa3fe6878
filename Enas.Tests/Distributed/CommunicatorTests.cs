using Enas.Engine;
using Enas.Search.Data;
using Enas.Search.Distributed;

namespace Enas.Tests.Distributed;

/// <summary>The pieces of data-parallel training that need no second process: the single-process communicator, mpirun
/// detection, the batch split and the replica check.</summary>
public sealed class CommunicatorTests
{
    [Fact]
    public void OneProcessIsRankZeroOfOneAndLeavesBuffersAsTheyAre()
    {
        var c = SingleProcessCommunicator.Instance;
        Assert.Equal((0, 1), (c.Rank, c.Size));
        float[] f = [1.5f, -2f];
        double[] d = [3.25];
        byte[] b = [7, 8];
        c.AllReduceSum(f);
        c.AllReduceSum(d);
        c.Broadcast(b);
        c.Barrier();
        Assert.Equal([1.5f, -2f], f);
        Assert.Equal([3.25], d);
        Assert.Equal([7, 8], b);
        Assert.Throws<ArgumentOutOfRangeException>(() => c.Broadcast(b, root: 1));
    }

    [Fact]
    public void OnlyMpirunsVariablesMakeAProcessARank()
    {
        Assert.False(World.UnderMpirun(_ => null));
        Assert.False(World.UnderMpirun(name => name == "OMPI_COMM_WORLD_SIZE" ? "" : null));
        Assert.True(World.UnderMpirun(name => name == "OMPI_COMM_WORLD_SIZE" ? "2" : null));
        Assert.True(World.UnderMpirun(name => name == "PMIX_RANK" ? "0" : null));
        // This test process was not started by mpirun: nothing was loaded, and the world is one process.
        Assert.Equal(1, World.Communicator.Size);
    }

    [Theory]
    [InlineData(16, 2)]
    [InlineData(9, 2)]
    [InlineData(10, 3)]
    [InlineData(2, 3)]
    [InlineData(0, 2)]
    public void ShardsCoverEveryImageOnceAndDifferByAtMostOne(int images, int shards)
    {
        var parts = Enumerable.Range(0, shards).Select(s => BatchShard.Of(s, shards, images)).ToList();
        int next = 0;
        foreach (var p in parts)
        {
            Assert.Equal(next, p.Offset);
            next += p.Count;
        }
        Assert.Equal(images, next);
        Assert.InRange(parts.Max(p => p.Count) - parts.Min(p => p.Count), 0, 1);
        Assert.True(parts[0].Count >= parts[^1].Count); // shard 0 (rank 0) is never the smaller one
        if (images > 0) Assert.Equal(1.0, parts.Sum(p => p.Weight), 12);
    }

    [Fact]
    public void ABatchSliceHoldsItsRowsImagesAndLabels()
    {
        var batch = new Batch(4, 1, 2, 2) { Count = 3 };
        for (int i = 0; i < 16; i++) batch.Images[i] = i;
        for (int i = 0; i < 4; i++) batch.Labels[i] = 10 + i;
        var part = batch.Slice(BatchShard.Of(1, 2, 3)); // rows [2, 3)
        Assert.Equal(1, part.Count);
        Assert.Equal([8f, 9f, 10f, 11f], part.ImageSpan.ToArray());
        Assert.Equal([12], part.LabelSpan.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.Slice(BatchShard.Of(0, 2, 4))); // a shard of another batch
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.Slice(BatchShard.Of(3, 4, 3))); // an empty shard
    }

    [Fact]
    public void TheReplicaHashSeesEveryValueAndOneProcessAlwaysAgrees()
    {
        var a = new Enas.Engine.Serialization.CheckpointEntry("bank.0", [2], [1f, 2f]);
        var b = a with { Data = [1f, 2.0000002f] };
        var h = ReplicaCheck.Hash([a], [1UL]);
        Assert.Equal(h, ReplicaCheck.Hash([a], [1UL]));
        Assert.NotEqual(h, ReplicaCheck.Hash([b], [1UL]));
        Assert.NotEqual(h, ReplicaCheck.Hash([a], [2UL]));
        ReplicaCheck.Verify(SingleProcessCommunicator.Instance, h, "weights"); // nothing to compare with
    }

    [Fact]
    public void CopyToAndLoadGradCheckSizeAndType()
    {
        using var p = Parameter.Create("w", new Shape(3), [1f, 2f, 3f]);
        var into = new float[3];
        p.CopyTo<float>(into);
        Assert.Equal([1f, 2f, 3f], into);
        Assert.Throws<ShapeMismatchException>(() => p.CopyTo<float>(new float[2]));
        Assert.Throws<ShapeMismatchException>(() => p.CopyTo<double>(new double[3]));
        p.LoadGrad<float>([0.5f, 0f, -1f]);
        Assert.Equal([0.5f, 0f, -1f], p.Grad!.ToFloatArray());
        Assert.Throws<ShapeMismatchException>(() => p.LoadGrad<float>([1f]));
        p.ZeroGrad();
    }
}
