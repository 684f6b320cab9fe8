using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace TaskFunctions.Core.Images;

/// <summary>What every local image engine does with its result: size cap, padding colour, PNG output.</summary>
internal static class AdjustedImageOutput
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

    /// <summary>Writes 8-bit PNG, RGBA when alpha is kept and RGB otherwise.</summary>
    public static Task WritePngAsync(Image<Rgba32> image, bool keepAlpha, Stream output, CancellationToken ct) =>
        image.SaveAsPngAsync(output, new PngEncoder
        {
            ColorType = keepAlpha ? PngColorType.RgbWithAlpha : PngColorType.Rgb,
            BitDepth = PngBitDepth.Bit8,
        }, ct);

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
