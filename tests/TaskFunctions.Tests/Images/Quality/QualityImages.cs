using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Images.Quality;

/// <summary>Deterministic textured images and luma planes for the SSIM and enhancement-loop tests.</summary>
internal static class QualityImages
{
    /// <summary>A smooth, face-sized amount of structure: gradients plus a few sinusoids, distinct per channel.</summary>
    public static Image<Rgba32> Pattern(int width, int height)
    {
        var image = new Image<Rgba32>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double v = 128 + (60 * Math.Sin(x * 0.35)) + (50 * Math.Cos(y * 0.22)) + (15 * Math.Sin((x + y) * 0.9));
                byte r = ToByte(v);
                byte g = ToByte(v * 0.9 + 10);
                byte b = ToByte(255 - v);
                image[x, y] = new Rgba32(r, g, b, 255);
            }
        }

        return image;
    }

    /// <summary><paramref name="source"/> with uniform noise of ± <paramref name="amplitude"/> per channel, clamped.</summary>
    public static Image<Rgba32> Noisy(Image<Rgba32> source, int amplitude, int seed)
    {
        var random = new Random(seed);
        var image = source.Clone();
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                var p = image[x, y];
                image[x, y] = new Rgba32(
                    ToByte(p.R + random.Next(-amplitude, amplitude + 1)),
                    ToByte(p.G + random.Next(-amplitude, amplitude + 1)),
                    ToByte(p.B + random.Next(-amplitude, amplitude + 1)),
                    p.A);
            }
        }

        return image;
    }

    /// <summary>Each channel replaced by 255 minus itself.</summary>
    public static Image<Rgba32> Inverted(Image<Rgba32> source)
    {
        var image = source.Clone();
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                var p = image[x, y];
                image[x, y] = new Rgba32((byte)(255 - p.R), (byte)(255 - p.G), (byte)(255 - p.B), p.A);
            }
        }

        return image;
    }

    public static byte[] PatternPng(int width, int height)
    {
        using var image = Pattern(width, height);
        return TestImages.Png(image);
    }

    public static byte[] NoisyPng(byte[] png, int amplitude, int seed)
    {
        using var source = Image.Load<Rgba32>(png);
        using var noisy = Noisy(source, amplitude, seed);
        return TestImages.Png(noisy);
    }

    public static float[] Constant(int width, int height, float value)
    {
        var plane = new float[width * height];
        Array.Fill(plane, value);
        return plane;
    }

    private static byte ToByte(double value) => (byte)Math.Clamp(Math.Round(value), 0, 255);
}
