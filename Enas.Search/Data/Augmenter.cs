using Enas.Search.Randomness;

namespace Enas.Search.Data;

/// <summary>Augmentation settings.</summary>
/// <param name="Padding">Pixels of zero padding on every side before a random crop back to the original size (0 = off).</param>
/// <param name="HorizontalFlip">Mirror left-right with probability 1/2.</param>
/// <param name="CutoutSize">Side of the zeroed square (0 = off).</param>
public sealed record AugmentOptions(int Padding = 4, bool HorizontalFlip = true, int CutoutSize = 0)
{
    /// <summary>The ENAS training recipe: pad 4 + random crop, horizontal flip, no cutout.</summary>
    public static AugmentOptions Standard { get; } = new();
}

/// <summary>
/// Training-time augmentation of one [C, H, W] image, in the reference's order: zero-pad by
/// <see cref="AugmentOptions.Padding"/> and crop a random H x W window (offsets uniform in [0, 2P]), mirror
/// left-right with probability 1/2, then cutout: a square of side S whose top-left corner is uniform over the
/// image ([0, H) x [0, W)) is zeroed, clipped at the border. Padding and cutout write 0, which after
/// normalisation is the channel mean (as in the reference, which augments normalised images).
/// Draws per image, in order and only for enabled steps: crop row, crop column, flip, cutout row, cutout column.
/// </summary>
public sealed class Augmenter
{
    /// <summary>Creates an augmenter.</summary>
    public Augmenter(AugmentOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.Padding);
        ArgumentOutOfRangeException.ThrowIfNegative(options.CutoutSize);
        Options = options;
    }

    /// <summary>The settings.</summary>
    public AugmentOptions Options { get; }

    /// <summary>
    /// Writes the augmented <paramref name="source"/> ([C, H, W]) into <paramref name="destination"/> (same size,
    /// must not overlap), drawing from <paramref name="rng"/>.
    /// </summary>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination, int channels, int height, int width,
        SplitMix64 rng)
    {
        int size = channels * height * width;
        if (source.Length < size || destination.Length < size)
            throw new ArgumentException($"Augmenter: image buffers hold {source.Length}/{destination.Length} " +
                $"floats, need {size} for {channels}x{height}x{width}");
        int pad = Options.Padding;
        int dy = 0, dx = 0;
        if (pad > 0)
        {
            dy = rng.NextInt(2 * pad + 1) - pad;
            dx = rng.NextInt(2 * pad + 1) - pad;
        }
        bool flip = Options.HorizontalFlip && rng.NextBool();
        int plane = height * width;
        for (int c = 0; c < channels; c++)
        {
            var src = source.Slice(c * plane, plane);
            var dst = destination.Slice(c * plane, plane);
            for (int y = 0; y < height; y++)
            {
                var row = dst.Slice(y * width, width);
                int sy = y + dy;
                if ((uint)sy >= (uint)height)
                {
                    row.Clear();
                    continue;
                }
                var srow = src.Slice(sy * width, width);
                if (!flip && dx == 0)
                {
                    srow.CopyTo(row);
                    continue;
                }
                for (int x = 0; x < width; x++)
                {
                    int sx = (flip ? width - 1 - x : x) + dx;
                    row[x] = (uint)sx < (uint)width ? srow[sx] : 0f;
                }
            }
        }
        int s = Options.CutoutSize;
        if (s > 0)
        {
            int cy = rng.NextInt(height), cx = rng.NextInt(width);
            int y1 = Math.Min(height, cy + s), x1 = Math.Min(width, cx + s);
            for (int c = 0; c < channels; c++)
                for (int y = cy; y < y1; y++)
                    destination.Slice(c * plane + y * width + cx, x1 - cx).Clear();
        }
    }
}
