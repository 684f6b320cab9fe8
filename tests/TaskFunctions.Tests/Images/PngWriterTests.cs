using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.Metadata.Profiles.Xmp;
using SixLabors.ImageSharp.PixelFormats;
using TaskFunctions.Core.Images;

namespace TaskFunctions.Tests.Images;

public class PngWriterTests
{
    /// <summary>Gradients, noise, flat areas and varying alpha, so every filter has rows where it wins and where it loses.</summary>
    private static Image<Rgba32> Mixed(int width, int height, bool opaque)
    {
        var random = new Random(width * 31 + height);
        var image = new Image<Rgba32>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    row[x] = (y % 7) switch
                    {
                        0 => new Rgba32((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)),
                        1 => new Rgba32(200, 10, 30, 255),
                        _ => new Rgba32((byte)(x * 3 + y), (byte)(y * 5), (byte)((x + y) / 2 + random.Next(8)), (byte)(250 - x)),
                    };
                    if (opaque)
                    {
                        row[x].A = 255;
                    }
                }
            }
        });
        return image;
    }

    private static async Task<byte[]> WriteAsync(Image<Rgba32> image, bool keepAlpha, PngFilter? filter = null)
    {
        using var output = new MemoryStream();
        await PngWriter.WriteAsync(image, keepAlpha, output, CancellationToken.None, filter);
        return output.ToArray();
    }

    private static void AssertSamePixels(Image<Rgba32> expected, Image<Rgba32> actual)
    {
        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        for (int y = 0; y < expected.Height; y++)
        {
            for (int x = 0; x < expected.Width; x++)
            {
                if (expected[x, y] != actual[x, y])
                {
                    Assert.Fail($"pixel ({x},{y}): expected {expected[x, y]}, got {actual[x, y]}");
                }
            }
        }
    }

    /// <summary>The chunks of a PNG: type and data, each CRC checked.</summary>
    private static List<(string Type, byte[] Data)> Chunks(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var chunks = new List<(string, byte[])>();
        for (int at = 8; at < png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var typeAndData = png.AsSpan(at + 4, 4 + length);
            Assert.Equal(Crc32.HashToUInt32(typeAndData), BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length)));
            chunks.Add((Encoding.ASCII.GetString(typeAndData[..4]), typeAndData[4..].ToArray()));
            at += 12 + length;
        }

        return chunks;
    }

    [Theory]
    [InlineData(true, null)]
    [InlineData(true, 0)] // None
    [InlineData(true, 1)] // Sub
    [InlineData(true, 2)] // Up
    [InlineData(true, 3)] // Average
    [InlineData(true, 4)] // Paeth
    [InlineData(false, null)]
    [InlineData(false, 1)] // Sub
    [InlineData(false, 3)] // Average
    [InlineData(false, 4)] // Paeth
    public async Task WriteAsync_RgbaOrRgbOfOpaqueImage_DecodesToSamePixels(bool keepAlpha, int? filter)
    {
        using var image = keepAlpha ? Mixed(97, 61, opaque: false) : Mixed(50, 40, opaque: true);

        var png = await WriteAsync(image, keepAlpha, (PngFilter?)filter);

        using var decoded = Image.Load<Rgba32>(png);
        AssertSamePixels(image, decoded);
        var header = Chunks(png)[0];
        Assert.Equal(("IHDR", keepAlpha ? 6 : 2), (header.Type, (int)header.Data[9])); // truecolour with alpha, or without
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 9)]
    [InlineData(9, 1)]
    public async Task WriteAsync_TinyImage_DecodesToSamePixels(int width, int height)
    {
        using var image = Mixed(width, height, opaque: false);

        foreach (var filter in new PngFilter?[] { null, PngFilter.Sub, PngFilter.Up, PngFilter.Average, PngFilter.Paeth })
        {
            using var decoded = Image.Load<Rgba32>(await WriteAsync(image, keepAlpha: true, filter));
            AssertSamePixels(image, decoded);
        }
    }

    [Fact]
    public async Task WriteAsync_LargeImage_SplitsDataIntoCheckedIdatChunks()
    {
        using var image = Mixed(600, 400, opaque: false);

        var png = await WriteAsync(image, keepAlpha: true);

        var chunks = Chunks(png);
        Assert.Equal("IHDR", chunks[0].Type);
        Assert.Equal("IEND", chunks[^1].Type);
        var data = chunks.Where(c => c.Type == "IDAT").ToList();
        Assert.True(data.Count > 1, $"{data.Count} IDAT chunk(s)");
        Assert.All(data.SkipLast(1), c => Assert.Equal(64 * 1024, c.Data.Length));
        using var decoded = Image.Load<Rgba32>(png);
        AssertSamePixels(image, decoded);
    }

    [Fact]
    public async Task WriteAsync_AdaptiveFilters_NoLargerThanAnySingleFilter()
    {
        using var image = Mixed(300, 200, opaque: true);

        var adaptive = (await WriteAsync(image, keepAlpha: false)).Length;

        var none = (await WriteAsync(image, keepAlpha: false, PngFilter.None)).Length;
        Assert.True(adaptive < none, $"adaptive {adaptive} bytes, unfiltered {none}");
    }

    [Fact]
    public async Task WriteAsync_Metadata_CarriesResolutionGammaExifXmpAndText()
    {
        using var image = Mixed(20, 10, opaque: true);
        image.Metadata.HorizontalResolution = 300;
        image.Metadata.VerticalResolution = 150;
        image.Metadata.ResolutionUnits = PixelResolutionUnit.PixelsPerInch;
        image.Metadata.ExifProfile = new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.Software, "bench");
        var png = image.Metadata.GetPngMetadata();
        png.Gamma = 0.45455f;
        var xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/></x:xmpmeta>";
        image.Metadata.XmpProfile = new XmpProfile(Encoding.UTF8.GetBytes(xmp));
        png.TextData.Add(new PngTextData("parameters", "a red bicycle, steps 30", string.Empty, string.Empty));
        png.TextData.Add(new PngTextData("Title", "vélo rouge – 自転車", "fr", "Titre"));

        var written = await WriteAsync(image, keepAlpha: false);

        using var decoded = Image.Load<Rgba32>(written);
        // pHYs holds pixels per metre: 300 and 150 per inch.
        Assert.Equal(PixelResolutionUnit.PixelsPerMeter, decoded.Metadata.ResolutionUnits);
        Assert.Equal(300 / 0.0254, decoded.Metadata.HorizontalResolution, 0);
        Assert.Equal(150 / 0.0254, decoded.Metadata.VerticalResolution, 0);
        Assert.Equal("bench", decoded.Metadata.ExifProfile?.GetValue(ExifTag.Software)?.Value);
        Assert.Equal(xmp, Encoding.UTF8.GetString(decoded.Metadata.XmpProfile?.ToByteArray() ?? []));
        var read = decoded.Metadata.GetPngMetadata();
        Assert.Equal(0.45455f, read.Gamma, 4);
        Assert.Contains(read.TextData, t => t.Keyword == "parameters" && t.Value == "a red bicycle, steps 30");
        Assert.Contains(read.TextData, t => t.Keyword == "Title" && t.Value == "vélo rouge – 自転車" && t.LanguageTag == "fr" && t.TranslatedKeyword == "Titre");
        Assert.Equal(["IHDR", "pHYs", "gAMA", "eXIf", "iTXt", "tEXt", "iTXt", "IDAT", "IEND"], Chunks(written).Select(c => c.Type).ToArray());
    }

    [Fact]
    public async Task WriteAsync_InvalidTextKeyword_LeavesTheTextOut()
    {
        using var image = Mixed(4, 4, opaque: true);
        image.Metadata.GetPngMetadata().TextData.Add(new PngTextData(new string('k', 80), "too long a keyword", string.Empty, string.Empty));

        var written = await WriteAsync(image, keepAlpha: false);

        Assert.DoesNotContain(Chunks(written), c => c.Type is "tEXt" or "iTXt");
    }

    [Fact]
    public async Task WriteAsync_Cancelled_Throws()
    {
        using var image = Mixed(10, 10, opaque: true);
        using var output = new MemoryStream();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PngWriter.WriteAsync(image, false, output, new CancellationToken(canceled: true)));
        Assert.Equal(0, output.Length);
    }
}
