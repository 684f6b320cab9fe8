using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace TaskFunctions.Tests.Images.Subject;

/// <summary>Synthetic images for the subject tests: plain or noisy backgrounds with rectangles drawn on them.</summary>
internal static class SubjectImages
{
    public static readonly Rgba32 White = new(255, 255, 255, 255);
    public static readonly Rgba32 Red = new(255, 0, 0, 255);
    public static readonly Rgba32 Black = new(0, 0, 0, 255);
    public static readonly Rgba32 Clear = new(0, 0, 0, 0);

    public static Image<Rgba32> Plain(int width, int height, Rgba32 background)
    {
        var image = new Image<Rgba32>(width, height);
        Fill(image, new Rectangle(0, 0, width, height), background);
        return image;
    }

    /// <summary>A background of <paramref name="background"/> with each channel shifted by up to ±<paramref name="amplitude"/>.</summary>
    public static Image<Rgba32> Noisy(int width, int height, Rgba32 background, int amplitude, int seed)
    {
        var random = new Random(seed);
        var image = new Image<Rgba32>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = new Rgba32(
                    Jitter(background.R), Jitter(background.G), Jitter(background.B), background.A);
            }
        }

        return image;

        byte Jitter(byte value) => (byte)Math.Clamp(value + random.Next(-amplitude, amplitude + 1), 0, 255);
    }

    public static Image<Rgba32> With(this Image<Rgba32> image, Rectangle rect, Rgba32 color)
    {
        Fill(image, rect, color);
        return image;
    }

    public static void Fill(Image<Rgba32> image, Rectangle rect, Rgba32 color)
    {
        for (int y = rect.Top; y < rect.Bottom; y++)
        {
            for (int x = rect.Left; x < rect.Right; x++)
            {
                image[x, y] = color;
            }
        }
    }
}
