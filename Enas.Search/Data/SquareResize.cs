namespace Enas.Search.Data;

/// <summary>
/// Makes an RGB image square: its shorter side is resized to N (the longer one in proportion, rounded), then the
/// centre N x N is cropped (an odd leftover pixel is cut from the right or bottom). Resizing is a separable triangle
/// (bilinear) filter whose support widens with the shrink factor, so shrinking averages every source pixel instead of
/// skipping some (no aliasing); edges repeat the border pixel.
/// </summary>
internal static class SquareResize
{
    /// <summary>The N x N RGB image (three bytes per pixel, row-major) made from <paramref name="image"/>.</summary>
    public static byte[] Apply(DecodedImage image, int size)
    {
        int w = image.Width, h = image.Height;
        if (w == size && h == size) return image.Rgb;
        double scale = (double)size / Math.Min(w, h);
        int rw = Math.Max(size, (int)Math.Round(w * scale)), rh = Math.Max(size, (int)Math.Round(h * scale));
        var columns = Weights(w, rw, (rw - size) / 2, size);
        var rows = Weights(h, rh, (rh - size) / 2, size);
        // Horizontal pass: every source row to the N output columns.
        var horizontal = new float[h * size * 3];
        var src = image.Rgb;
        for (int y = 0; y < h; y++)
        {
            int rowStart = y * w * 3;
            for (int x = 0; x < size; x++)
            {
                var (first, weights) = columns[x];
                float r = 0, g = 0, b = 0;
                for (int k = 0; k < weights.Length; k++)
                {
                    int at = rowStart + Math.Clamp(first + k, 0, w - 1) * 3;
                    float wk = weights[k];
                    r += wk * src[at];
                    g += wk * src[at + 1];
                    b += wk * src[at + 2];
                }
                int o = (y * size + x) * 3;
                (horizontal[o], horizontal[o + 1], horizontal[o + 2]) = (r, g, b);
            }
        }
        // Vertical pass: N output rows from the filtered source rows.
        var result = new byte[size * size * 3];
        for (int y = 0; y < size; y++)
        {
            var (first, weights) = rows[y];
            for (int x = 0; x < size; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    float v = 0;
                    for (int k = 0; k < weights.Length; k++)
                        v += weights[k] * horizontal[(Math.Clamp(first + k, 0, h - 1) * size + x) * 3 + c];
                    result[(y * size + x) * 3 + c] = (byte)Math.Clamp((int)MathF.Round(v), 0, 255);
                }
            }
        }
        return result;
    }

    /// <summary>For each of the <paramref name="count"/> output pixels from <paramref name="offset"/> on (of a line
    /// resized from <paramref name="from"/> to <paramref name="to"/> pixels): the first source index it reads and the
    /// normalised weights of the source pixels from there.</summary>
    internal static (int First, float[] Weights)[] Weights(int from, int to, int offset, int count)
    {
        double scale = (double)to / from;
        double support = Math.Max(1.0, 1.0 / scale);
        var result = new (int, float[])[count];
        for (int i = 0; i < count; i++)
        {
            double centre = (offset + i + 0.5) / scale - 0.5;
            int first = (int)Math.Floor(centre - support) + 1, last = (int)Math.Ceiling(centre + support) - 1;
            var weights = new float[last - first + 1];
            double sum = 0;
            for (int j = first; j <= last; j++) sum += Math.Max(0, 1 - Math.Abs(j - centre) / support);
            for (int j = first; j <= last; j++) weights[j - first] = (float)(Math.Max(0, 1 - Math.Abs(j - centre) / support) / sum);
            result[i] = (first, weights);
        }
        return result;
    }
}
