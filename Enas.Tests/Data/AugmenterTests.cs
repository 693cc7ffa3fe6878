using Enas.Search.Data;
using Enas.Search.Randomness;

namespace Enas.Tests.Data;

public sealed class AugmenterTests
{
    private static float[] Ramp(int c, int h, int w)
    {
        var img = new float[c * h * w];
        for (int i = 0; i < img.Length; i++) img[i] = i + 1; // all distinct and non-zero
        return img;
    }

    [Fact]
    public void DisabledAugmentationIsIdentity()
    {
        var src = Ramp(2, 5, 7);
        var dst = new float[src.Length];
        new Augmenter(new AugmentOptions(0, false, 0)).Apply(src, dst, 2, 5, 7, new SplitMix64(1));
        Assert.Equal(src, dst);
    }

    [Fact]
    public void PadCropFlipIsAShiftedPossiblyMirroredCopyWithZeroBorder()
    {
        const int c = 3, h = 7, w = 9, pad = 2;
        var src = Ramp(c, h, w);
        var aug = new Augmenter(new AugmentOptions(pad, true, 0));
        var rng = new SplitMix64(42);
        var seen = new HashSet<(int, int, bool)>();
        for (int trial = 0; trial < 400; trial++)
        {
            var dst = new float[src.Length];
            aug.Apply(src, dst, c, h, w, rng);
            var match = FindTransform(src, dst, c, h, w, pad);
            Assert.True(match.HasValue, $"trial {trial}: output is not a shift/flip of the input");
            seen.Add(match.Value);
        }
        // every offset in [-2, 2] x [-2, 2] with and without flip turns up
        Assert.Equal((2 * pad + 1) * (2 * pad + 1) * 2, seen.Count);
    }

    private static (int, int, bool)? FindTransform(float[] src, float[] dst, int c, int h, int w, int pad)
    {
        for (int dy = -pad; dy <= pad; dy++)
            for (int dx = -pad; dx <= pad; dx++)
                foreach (var flip in new[] { false, true })
                {
                    bool ok = true;
                    for (int ch = 0; ch < c && ok; ch++)
                        for (int y = 0; y < h && ok; y++)
                            for (int x = 0; x < w && ok; x++)
                            {
                                int sy = y + dy, sx = (flip ? w - 1 - x : x) + dx;
                                float expected = sy >= 0 && sy < h && sx >= 0 && sx < w ? src[(ch * h + sy) * w + sx] : 0;
                                ok = dst[(ch * h + y) * w + x] == expected;
                            }
                    if (ok) return (dy, dx, flip);
                }
        return null;
    }

    [Fact]
    public void CutoutZeroesAClippedSquareInEveryChannel()
    {
        const int c = 2, h = 6, w = 6, side = 3;
        var src = Ramp(c, h, w);
        var aug = new Augmenter(new AugmentOptions(0, false, side));
        var rng = new SplitMix64(7);
        bool sawClipped = false, sawFull = false;
        for (int trial = 0; trial < 200; trial++)
        {
            var dst = new float[src.Length];
            aug.Apply(src, dst, c, h, w, rng);
            var zeros = Enumerable.Range(0, h * w).Where(i => dst[i] == 0).ToList();
            Assert.InRange(zeros.Count, 1, side * side);
            int y0 = zeros.Min(i => i / w), y1 = zeros.Max(i => i / w), x0 = zeros.Min(i => i % w), x1 = zeros.Max(i => i % w);
            Assert.Equal((y1 - y0 + 1) * (x1 - x0 + 1), zeros.Count); // a rectangle
            Assert.True(y1 - y0 + 1 == side || y1 == h - 1); // only clipped at the bottom/right border
            Assert.True(x1 - x0 + 1 == side || x1 == w - 1);
            for (int i = 0; i < h * w; i++)
            {
                Assert.Equal(dst[i] == 0, dst[h * w + i] == 0); // same square in channel 1
                if (dst[i] != 0) Assert.Equal(src[i], dst[i]);
            }
            sawClipped |= zeros.Count < side * side;
            sawFull |= zeros.Count == side * side;
        }
        Assert.True(sawClipped && sawFull);
    }

    [Fact]
    public void SameGeneratorStateGivesTheSameImage()
    {
        var src = Ramp(1, 8, 8);
        var aug = new Augmenter(new AugmentOptions(4, true, 3));
        var a = new float[64];
        var b = new float[64];
        var rng = new SplitMix64(5);
        var saved = rng.State;
        aug.Apply(src, a, 1, 8, 8, rng);
        rng.State = saved;
        aug.Apply(src, b, 1, 8, 8, rng);
        Assert.Equal(a, b);
    }
}
