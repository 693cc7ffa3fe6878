using Enas.Search.Controller;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Tests.Search;

public sealed class DistinctSamplesTests
{
    [Fact]
    public void GreedyComesFirstAndRepeatsAreDropped()
    {
        var space = new MicroSpace(2);
        var arch = new RandomController(space).Sample(new XoshiroRandom(1)).Architecture;
        using var policy = new FixedController(space, arch);
        var drawn = DistinctSamples.Draw(policy, 5, new XoshiroRandom(2), withGreedy: true);
        Assert.Equal([new DrawnArchitecture(arch, Greedy: true)], drawn);
    }

    [Fact]
    public void KeepsTheFirstOfEachArchitectureInDrawingOrder()
    {
        var space = new RnnSpace(2); // 4 x 1 x 4 = 16 cells
        using var policy = new RandomController(space);
        var drawn = DistinctSamples.Draw(policy, 40, new XoshiroRandom(3), withGreedy: false);
        var rng = new XoshiroRandom(3);
        var expected = Enumerable.Range(0, 40).Select(_ => policy.Sample(rng).Architecture).Distinct().ToList();
        Assert.True(expected.Count < 40, "the space should be small enough for repeats");
        Assert.Equal(expected, drawn.Select(d => d.Architecture));
        Assert.DoesNotContain(drawn, d => d.Greedy);
    }
}
