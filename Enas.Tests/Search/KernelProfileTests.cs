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
}
