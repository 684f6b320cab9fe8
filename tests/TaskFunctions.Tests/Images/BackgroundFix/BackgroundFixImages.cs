using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using TaskFunctions.Core.Images.BackgroundFix;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Images.BackgroundFix;

/// <summary>Synthetic person-on-background images and colour metrics for the background fix tests.</summary>
internal static class BackgroundFixImages
{
    public const int Width = 200;
    public const int Height = 120;

    /// <summary>The person: an opaque rectangle in the middle of the image.</summary>
    public static readonly Rectangle Person = new(80, 20, 40, 80);

    public static readonly Rgba32 PaletteBlue = new(40, 80, 200, 255);

    /// <summary>A person with a colour gradient (bright, mid and dark tones) on the given background.</summary>
    public static byte[] Base(Func<int, int, Rgba32> background, Rectangle? person = null)
    {
        var rect = person ?? Person;
        using var image = new Image<Rgba32>(Width, Height);
        image.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                var row = accessor.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    row[x] = rect.Contains(x, y) ? PersonAt(x, y) : background(x, y);
                }
            }
        });
        return Png(image);
    }

    public static Rgba32 PersonAt(int x, int y) => new((byte)(150 + x % 100), (byte)(60 + y), (byte)(30 + (x * y % 200)), 255);

    public static byte[] Solid(Rgba32 color, int width = 16, int height = 16)
    {
        using var image = new Image<Rgba32>(width, height, color);
        return Png(image);
    }

    /// <summary>Keeps the RGB of fully transparent pixels, which the default encoder settings might not promise.</summary>
    public static byte[] Png(Image image)
    {
        using var output = new MemoryStream();
        image.Save(output, new PngEncoder { ColorType = PngColorType.RgbWithAlpha, TransparentColorMode = PngTransparentColorMode.Preserve });
        return output.ToArray();
    }

    public static Image<Rgba32> Load(byte[] png) => Image.Load<Rgba32>(png);

    public static Rgba32 ParseHex(string hex) =>
        new(
            byte.Parse(hex.AsSpan(1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            byte.Parse(hex.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            byte.Parse(hex.AsSpan(5, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            255);

    /// <summary>Distance in the CIELAB a*b* plane: how far a colour's chroma is from another's, ignoring lightness.</summary>
    public static double ChromaDistance(Rgba32 a, Rgba32 b)
    {
        var (_, a1, b1) = ColorSpace.RgbToLab(a.R, a.G, a.B);
        var (_, a2, b2) = ColorSpace.RgbToLab(b.R, b.G, b.B);
        return Math.Sqrt(((a1 - a2) * (a1 - a2)) + ((b1 - b2) * (b1 - b2)));
    }

    /// <summary>Hue distance in degrees, measured in the space the strategy works in (HSV hue or CIELAB hue angle).</summary>
    public static double HueDistance(BackgroundFixStrategy strategy, Rgba32 a, Rgba32 b) =>
        Math.Abs(ColorSpace.HueDelta(Hue(strategy, a), Hue(strategy, b)));

    private static float Hue(BackgroundFixStrategy strategy, Rgba32 c)
    {
        if (strategy == BackgroundFixStrategy.HSV_SHIFT)
        {
            return ColorSpace.RgbToHsv(c.R, c.G, c.B).H;
        }

        var (_, a, b) = ColorSpace.RgbToLab(c.R, c.G, c.B);
        return ColorSpace.LabHue(a, b);
    }
}
