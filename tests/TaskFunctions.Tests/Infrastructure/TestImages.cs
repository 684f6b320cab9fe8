using System.Buffers.Binary;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>Synthetic images for the image tests, built in memory so no fixture files are needed.</summary>
public static class TestImages
{
    public static readonly Rgba32 Red = new(255, 0, 0, 255);
    public static readonly Rgba32 Blue = new(0, 0, 255, 255);

    /// <summary>An image whose left half is <paramref name="left"/> and right half <paramref name="right"/>.</summary>
    public static Image<Rgba32> Split(int width, int height, Rgba32 left, Rgba32 right)
    {
        var image = new Image<Rgba32>(width, height);
        image.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                var row = accessor.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    row[x] = x < width / 2 ? left : right;
                }
            }
        });
        return image;
    }

    public static byte[] Png(Image image) => Encode(image, new PngEncoder());

    public static byte[] Jpeg(Image image) => Encode(image, new JpegEncoder { Quality = 95 });

    public static byte[] WebP(Image image) => Encode(image, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless });

    public static byte[] Gif(Image image) => Encode(image, new GifEncoder());

    /// <summary>A red-left/blue-right PNG as base64.</summary>
    public static string PngBase64(int width, int height) => Convert.ToBase64String(SplitPng(width, height));

    /// <summary>A red-left/blue-right PNG as a data URL.</summary>
    public static string PngDataUrl(int width, int height) => "data:image/png;base64," + PngBase64(width, height);

    public static byte[] SplitPng(int width, int height)
    {
        using var image = Split(width, height, Red, Blue);
        return Png(image);
    }

    public static byte[] SplitJpeg(int width, int height)
    {
        using var image = Split(width, height, Red, Blue);
        return Jpeg(image);
    }

    /// <summary>A PNG signature, an IHDR claiming the given size (valid CRC), and IEND: no pixel data at all.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 6; // RGBA
        WriteChunk(output, "IHDR", ihdr);
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    public static Rgba32 PixelAt(byte[] png, int x, int y)
    {
        using var image = Image.Load<Rgba32>(png);
        return image[x, y];
    }

    public static bool IsNear(Rgba32 expected, Rgba32 actual, int slack = 24) =>
        Math.Abs(expected.R - actual.R) <= slack && Math.Abs(expected.G - actual.G) <= slack
        && Math.Abs(expected.B - actual.B) <= slack && Math.Abs(expected.A - actual.A) <= slack;

    private static byte[] Encode(Image image, IImageEncoder encoder)
    {
        using var output = new MemoryStream();
        image.Save(output, encoder);
        return output.ToArray();
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        output.Write(typeAndData);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        output.Write(crc);
    }

    // PNG's CRC-32 (ISO 3309), bitwise: the test needs only a few bytes.
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }
}
