using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace TaskFunctions.Core.Images;

/// <summary>What every local image engine does with its result: size cap, padding colour, PNG output.</summary>
public static class AdjustedImageOutput
{
    /// <summary>Refuses results above the pixel cap before any canvas is allocated.</summary>
    public static void EnsureWithinPixelLimit(int width, int height, long maxPixels)
    {
        if ((long)width * height > maxPixels)
        {
            throw new InvalidImageException(string.Create(CultureInfo.InvariantCulture,
                $"the adjusted image would be {width}x{height} pixels, above the {maxPixels} pixel limit"));
        }
    }

    /// <summary>PNG sources, and WebP sources with any transparency, keep an alpha channel (transparent padding); others pad white.</summary>
    public static bool KeepsAlpha(ImageFormatKind format, Image<Rgba32> image) =>
        format == ImageFormatKind.Png || (format == ImageFormatKind.WebP && HasTransparency(image));

    public static Color PadColor(bool keepAlpha) => keepAlpha ? Color.Transparent : Color.White;

    /// <summary>
    /// Writes the result: PNG by default; with <paramref name="keepInputFormat"/> a JPEG input stays JPEG (quality
    /// 92) and a WebP input stays WebP (lossless). Returns the content type written.
    /// </summary>
    public static async Task<string> WriteAsync(Image<Rgba32> image, ImageFormatKind inputFormat, bool keepAlpha, bool keepInputFormat, Stream output, CancellationToken ct)
    {
        switch (keepInputFormat ? inputFormat : ImageFormatKind.Png)
        {
            case ImageFormatKind.Jpeg:
                await image.SaveAsJpegAsync(output, new JpegEncoder { Quality = 92 }, ct);
                return "image/jpeg";
            case ImageFormatKind.WebP:
                await image.SaveAsWebpAsync(output, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }, ct);
                return "image/webp";
            default:
                await WritePngAsync(image, keepAlpha, output, ct);
                return "image/png";
        }
    }

    /// <summary>The file extension for a content type this class writes.</summary>
    public static string Extension(string contentType) => contentType switch
    {
        "image/jpeg" => "jpg",
        "image/webp" => "webp",
        _ => "png",
    };

    /// <summary>Writes 8-bit PNG, RGBA when alpha is kept and RGB otherwise (see <see cref="PngWriter"/>).</summary>
    public static Task WritePngAsync(Image<Rgba32> image, bool keepAlpha, Stream output, CancellationToken ct) =>
        PngWriter.WriteAsync(image, keepAlpha, output, ct);

    /// <summary>Whether any pixel is not fully opaque.</summary>
    public static bool HasTransparency(Image<Rgba32> image)
    {
        bool found = false;
        image.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height && !found; y++)
            {
                foreach (var pixel in accessor.GetRowSpan(y))
                {
                    if (pixel.A != byte.MaxValue)
                    {
                        found = true;
                        break;
                    }
                }
            }
        });
        return found;
    }
}
