using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Search.Network;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Tests.Search;

public class FinalNetworkTests
{
    private static readonly NetworkOptions Tiny = new()
    {
        Channels = 4, Layers = 2, ImageSize = 7, InputChannels = 1, Style = NetworkStyle.Final, AuxHead = false, DropPathKeep = 0.7,
    };

    [Theory]
    [InlineData("micro", 3, NetworkStyle.Final)]
    [InlineData("micro", 5, NetworkStyle.Final)]
    [InlineData("macro", 6, NetworkStyle.Final)]
    [InlineData("micro", 3, NetworkStyle.Search)]
    [InlineData("macro", 6, NetworkStyle.Search)]
    public void EveryParameterOfARetrainedNetworkGetsAGradient(string name, int size, NetworkStyle style)
    {
        var space = SearchSpaces.Create(name, size);
        var rng = new XoshiroRandom(11);
        for (int trial = 0; trial < 8; trial++)
        {
            var arch = ArchitectureTests.RandomArch(space, rng);
            using var fresh = new FreshWeights(3, Device.Cpu);
            var net = ChildBuilder.Build(space, arch, Tiny with { Style = style }, fresh, Device.Cpu);
            using (TensorScope.Begin())
            using (var tape = Tape.Record())
            {
                var images = Tensor.FromArray([.. Enumerable.Range(0, 3 * 49).Select(i => (float)Math.Sin(i))], new Shape(3, 1, 7, 7));
                var logits = net.Forward(images, new ForwardContext(true, rng, 0.5)).Logits;
                Assert.Equal(new Shape(3, 10), logits.Shape);
                tape.Backward(logits.CrossEntropy(Tensor.FromArray<int>([1, 2, 3], new Shape(3))));
            }
            Assert.All(net.Parameters, p => Assert.True(p.Grad is not null, $"{arch}: {p.Name} got no gradient"));
            Assert.Equal(fresh.ParameterCount, net.ParameterCount);
            foreach (var p in net.Parameters) p.ZeroGrad();
        }
    }

    [Fact]
    public void TheSharedBankRefusesFinalCells() =>
        Assert.Throws<InvalidOperationException>(() => ChildBuilder.CreateBank(new MicroSpace(3), Tiny, 1, Device.Cpu));
}
