using Enas.Kernels;
using Enas.Kernels.Diagnostics;
using Enas.Search.Diagnostics;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Search;

public sealed class KernelProfileTests
{
    /// <summary>A kernel scope inside another counts once, as the outer; the table written at the end names the
    /// kernels, their calls and the share of wall time (other test classes' kernels may be in it too).</summary>
    [Fact]
    public void CountsOutermostKernelCallsAndWritesTheTableWhenDisposed()
    {
        using var dir = new TempFolder();
        var path = dir["profile.txt"];
        var d = new Conv2DDescriptor(1, 3, 7, 7, 5, 3, 3, 1, 1);
        using (var profile = new KernelProfile(path))
        {
            for (int i = 0; i < 3; i++)
            {
                using (KernelEvents.Scope("ProfileTestOuter", d))
                {
                    using (KernelEvents.Scope("ProfileTestInner", d)) Thread.Sleep(2);
                }
            }
            using (KernelEvents.Scope("ProfileTestAlone", d)) { }
            string table = profile.Table();
            Assert.Matches(@"\| ProfileTestOuter \| 3 \| 0\.0\d \|", table);
            Assert.Contains("| ProfileTestAlone | 1 |", table);
            Assert.DoesNotContain("ProfileTestInner", table);
        }
        string written = File.ReadAllText(path);
        Assert.StartsWith("wall ", written);
        Assert.Contains("inside kernels", written);
        Assert.Contains("| ProfileTestOuter | 3 |", written);
    }

    /// <summary>Elementwise kernels, optimiser updates and copies are instrumented too (so "outside kernels" is host
    /// work only): a ReLU, an add and an SGD step on the CPU backend show up by name.</summary>
    [Fact]
    public void ElementwiseAndOptimiserKernelsAreCounted()
    {
        using var dir = new TempFolder();
        using var profile = new KernelProfile(dir["profile.txt"]);
        var p = Enas.Engine.Parameter.Create<float>("w", new Enas.Engine.Shape(4), [1f, -2f, 3f, -4f]);
        using var sgd = new Enas.Engine.Optim.Sgd([p], 0.1, momentum: 0);
        using (var tape = Enas.Engine.Autodiff.Tape.Record())
        {
            var y = (p.Relu() + p).Sum();
            tape.Backward(y);
        }
        sgd.Step();
        string table = profile.Table();
        Assert.Contains("| Unary.Relu |", table);
        Assert.Contains("| Binary.Add |", table);
        Assert.Contains("| SgdUpdate |", table);
    }
}
