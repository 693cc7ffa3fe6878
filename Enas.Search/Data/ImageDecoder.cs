using StbImageSharp;

namespace Enas.Search.Data;

/// <summary>A decoded image: 8-bit RGB pixels, row-major, three bytes per pixel.</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Rgb">Length 3 * Width * Height.</param>
/// <param name="Grey">True when the file is a grey image or every pixel has R = G = B.</param>
internal sealed record DecodedImage(int Width, int Height, byte[] Rgb, bool Grey);

/// <summary>An image file could not be read or decoded; the message says why, without the path.</summary>
internal sealed class BadImageException(string reason) : Exception(reason);

/// <summary>
/// Reads PNG and JPEG files with StbImageSharp (a managed port of stb_image). Alpha is dropped (the colour channels
/// are used as they are); 16-bit PNGs are reduced to 8 bits.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>File name extensions read as images (case-insensitive).</summary>
    public static readonly IReadOnlyList<string> Extensions = [".png", ".jpg", ".jpeg"];

    /// <summary>Whether <paramref name="path"/> has an image extension.</summary>
    public static bool IsImageFile(string path) =>
        Extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>The width and height in the file's header.</summary>
    /// <exception cref="BadImageException">The file cannot be read or is not a PNG or JPEG image.</exception>
    public static (int Width, int Height) ReadSize(string path)
    {
        using var stream = Open(path);
        ImageInfo? info;
        try { info = ImageInfo.FromStream(stream); }
        catch (Exception e) when (e is not OutOfMemoryException) { throw new BadImageException(Reason(e)); }
        if (info is not { Width: > 0, Height: > 0 } i)
            throw new BadImageException("not a PNG or JPEG image the decoder recognises (unknown format or a damaged header)");
        return (i.Width, i.Height);
    }

    /// <summary>Decodes the whole image.</summary>
    /// <exception cref="BadImageException">The file cannot be read or decoded.</exception>
    public static DecodedImage Decode(string path)
    {
        ImageResult image;
        using (var stream = Open(path))
        {
            try { image = ImageResult.FromStream(stream, ColorComponents.RedGreenBlue); }
            catch (Exception e) when (e is not OutOfMemoryException) { throw new BadImageException(Reason(e)); }
        }
        if (image.Width <= 0 || image.Height <= 0 || image.Data is null || image.Data.Length < 3L * image.Width * image.Height)
            throw new BadImageException("the decoder returned no pixels (corrupt or truncated image data)");
        bool grey = image.SourceComp is ColorComponents.Grey or ColorComponents.GreyAlpha || AllGrey(image.Data);
        return new DecodedImage(image.Width, image.Height, image.Data, grey);
    }

    private static bool AllGrey(ReadOnlySpan<byte> rgb)
    {
        for (int i = 0; i + 2 < rgb.Length; i += 3)
            if (rgb[i] != rgb[i + 1] || rgb[i] != rgb[i + 2]) return false;
        return true;
    }

    private static FileStream Open(string path)
    {
        try { return File.OpenRead(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadImageException($"cannot be read ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>A readable reason from a decoder exception (stb's messages can hold stray bytes).</summary>
    private static string Reason(Exception e)
    {
        string message = new string(e.Message.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return message switch
        {
            "unknown image type" => "not a PNG or JPEG image the decoder recognises (unknown format)",
            _ when message.Length < 8 || e is not InvalidOperationException =>
                $"corrupt or truncated image data (the decoder stopped: {(message.Length > 0 ? message : e.GetType().Name)})",
            _ => $"corrupt or truncated image data (the decoder said: {message})",
        };
    }
}
