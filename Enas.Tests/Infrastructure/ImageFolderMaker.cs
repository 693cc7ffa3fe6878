using StbImageWriteSharp;

namespace Enas.Tests.Infrastructure;

/// <summary>
/// Writes small image folders for the <c>--dataset folder</c> tests: one subfolder per class, each image a seeded noisy
/// picture whose bright region depends on its class (left half, top half, main diagonal, ...), so a network can learn
/// the classes in a few steps. PNG and JPEG through StbImageWriteSharp.
/// </summary>
public static class ImageFolderMaker
{
    /// <summary>One image's pixels: <paramref name="channels"/> (1 or 3) bytes per pixel, row-major.</summary>
    public static byte[] Pixels(int label, int width, int height, int channels, int seed)
    {
        var rng = new Random(seed);
        var data = new byte[width * height * channels];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                bool bright = (label % 4) switch
                {
                    0 => x < width / 2,
                    1 => y < height / 2,
                    2 => Math.Abs(x * height - y * width) < width * height / 4,
                    _ => (x / Math.Max(1, width / 4) + y / Math.Max(1, height / 4)) % 2 == 0,
                };
                int v = (bright ? 200 : 40) + rng.Next(-30, 31);
                for (int c = 0; c < channels; c++)
                {
                    // colour images tint each class differently, so they are not grey
                    int tint = channels == 3 ? (c == label % 3 ? 25 : -10) : 0;
                    data[(y * width + x) * channels + c] = (byte)Math.Clamp(v + tint, 0, 255);
                }
            }
        return data;
    }

    /// <summary>Writes one image file (PNG, or JPEG when the name ends in .jpg/.jpeg).</summary>
    public static void Write(string path, byte[] pixels, int width, int height, int channels)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = File.Create(path);
        var components = channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue;
        var writer = new ImageWriter();
        if (path.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase))
            writer.WriteJpg(pixels, width, height, components, stream, 95);
        else
            writer.WritePng(pixels, width, height, components, stream);
    }

    /// <summary>
    /// <paramref name="perClass"/> images per class in <paramref name="dir"/>/<c>class name</c>/, named img000.png ...
    /// (every third one a .jpg when <paramref name="jpeg"/>), <paramref name="width"/> x <paramref name="height"/>.
    /// </summary>
    public static void Make(string dir, IReadOnlyList<string> classes, int perClass, int width, int height, int channels,
        bool jpeg = false, int seed = 1)
    {
        for (int c = 0; c < classes.Count; c++)
            for (int i = 0; i < perClass; i++)
            {
                string ext = jpeg && i % 3 == 2 ? ".jpg" : ".png";
                Write(Path.Combine(dir, classes[c], $"img{i:D3}{ext}"), Pixels(c, width, height, channels, seed * 7919 + c * 1000 + i),
                    width, height, channels);
            }
    }
}
