using System.IO.Compression;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TaskFunctions.Core.Images;

using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Images;

public class SafeImageDecoderTests
{
    private static Task<Image<Rgba32>> Decode(byte[] data, ImageDecodeOptions? options = null) =>
        SafeImageDecoder.DecodeAsync(new MemoryStream(data), options ?? new ImageDecodeOptions(), CancellationToken.None);

    [Fact]
    public void Sniff_KnownSignatures_ReturnsFormat()
    {
        using var image = TestImages.Split(4, 4, TestImages.Red, TestImages.Blue);

        var kinds = (SafeImageDecoder.Sniff(TestImages.Png(image)), SafeImageDecoder.Sniff(TestImages.Jpeg(image)), SafeImageDecoder.Sniff(TestImages.WebP(image)));

        Assert.Equal((ImageFormatKind.Png, ImageFormatKind.Jpeg, ImageFormatKind.WebP), kinds);
    }

    [Theory]
    [InlineData("GIF89a")]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\"/>")]
    [InlineData("RIFF\0\0\0\0WAVE")]
    [InlineData("BM")]
    [InlineData("")]
    public void Sniff_OtherContent_ReturnsUnknown(string header)
    {
        var kind = SafeImageDecoder.Sniff(Encoding.ASCII.GetBytes(header));

        Assert.Equal(ImageFormatKind.Unknown, kind);
    }

    [Fact]
    public async Task DecodeAsync_Png_ReturnsPixels()
    {
        var data = TestImages.SplitPng(30, 20);

        using var image = await Decode(data);

        Assert.Equal((30, 20), (image.Width, image.Height));
        Assert.Equal(TestImages.Red, image[0, 0]);
        Assert.Equal(TestImages.Blue, image[29, 19]);
    }

    [Fact]
    public async Task DecodeAsync_Jpeg_ReturnsImage()
    {
        var data = TestImages.SplitJpeg(32, 16);

        using var image = await Decode(data);

        Assert.Equal((32, 16), (image.Width, image.Height));
        Assert.True(TestImages.IsNear(TestImages.Red, image[2, 8]));
    }

    [Fact]
    public async Task DecodeAsync_WebP_ReturnsImage()
    {
        using var source = TestImages.Split(24, 12, TestImages.Red, TestImages.Blue);
        var data = TestImages.WebP(source);

        using var image = await Decode(data);

        Assert.Equal((24, 12), (image.Width, image.Height));
        Assert.Equal(TestImages.Blue, image[23, 0]);
    }

    [Fact]
    public async Task DecodeAsync_Gif_ThrowsNamingFormat()
    {
        using var source = TestImages.Split(8, 8, TestImages.Red, TestImages.Blue);
        var data = TestImages.Gif(source);

        var ex = await Assert.ThrowsAsync<InvalidImageException>(() => Decode(data));

        Assert.Contains("unsupported image format (GIF)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecodeAsync_SvgText_ThrowsUnsupported()
    {
        var data = Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>");

        var ex = await Assert.ThrowsAsync<InvalidImageException>(() => Decode(data));

        Assert.Contains("SVG", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecodeAsync_ZipHoldingPng_ThrowsUnsupported()
    {
        using var zipped = new MemoryStream();
        using (var archive = new ZipArchive(zipped, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var entry = await archive.CreateEntry("photo.png").OpenAsync();
            await entry.WriteAsync(TestImages.SplitPng(8, 8));
        }

        var ex = await Assert.ThrowsAsync<InvalidImageException>(() => Decode(zipped.ToArray()));

        Assert.Contains("(ZIP)", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.6)]
    [InlineData(0.98)]
    public async Task DecodeAsync_TruncatedJpeg_ThrowsCorrupt(double keep)
    {
        var full = TestImages.SplitJpeg(64, 64);
        var data = full[..(int)(full.Length * keep)];

        var ex = await Assert.ThrowsAsync<InvalidImageException>(() => Decode(data));

        Assert.Equal("image data is truncated or corrupt", ex.Message);
    }

    [Fact]
    public async Task DecodeAsync_JpegWithTrailingBytes_Decodes()
    {
        byte[] data = [.. TestImages.SplitJpeg(32, 32), .. "trailer written by some cameras"u8];

        using var image = await Decode(data);

        Assert.Equal((32, 32), (image.Width, image.Height));
    }

    [Fact]
    public async Task DecodeAsync_TruncatedPng_ThrowsCorrupt()
    {
        var full = TestImages.SplitPng(64, 64);
        var data = full[..(full.Length / 2)];

        var ex = await Assert.ThrowsAsync<InvalidImageException>(() => Decode(data));

        Assert.Equal("image data is truncated or corrupt", ex.Message);
    }

    [Fact]
    public async Task DecodeAsync_PngHeaderClaimingHugeSize_ThrowsBeforeDecoding()
    {
        var data = TestImages.PngHeaderOnly(50000, 50000);

        var ex = await Assert.ThrowsAsync<InvalidImageException>(() => Decode(data));

        Assert.Equal("image is 50000x50000 pixels, above the 100000000 pixel limit", ex.Message);
    }

    [Fact]
    public async Task DecodeAsync_AboveConfiguredPixelLimit_Throws()
    {
        var data = TestImages.SplitPng(20, 20);

        var ex = await Assert.ThrowsAsync<InvalidImageException>(() => Decode(data, new ImageDecodeOptions { MaxPixels = 399 }));

        Assert.Contains("20x20", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecodeAsync_AboveByteLimit_Throws()
    {
        var data = TestImages.SplitPng(20, 20);

        var ex = await Assert.ThrowsAsync<InvalidImageException>(() => Decode(data, new ImageDecodeOptions { MaxBytes = data.Length - 1 }));

        Assert.Contains("byte limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecodeAsync_NonSeekableStreamAboveByteLimit_Throws()
    {
        var data = TestImages.SplitPng(20, 20);
        using var stream = new NonSeekableStream(data);

        var ex = await Assert.ThrowsAsync<InvalidImageException>(() =>
            SafeImageDecoder.DecodeAsync(stream, new ImageDecodeOptions { MaxBytes = data.Length - 1 }, CancellationToken.None));

        Assert.Contains("byte limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecodeAsync_NonSeekableStreamWithinLimit_Decodes()
    {
        var data = TestImages.SplitPng(20, 10);
        using var stream = new NonSeekableStream(data);

        using var image = await SafeImageDecoder.DecodeAsync(stream, new ImageDecodeOptions(), CancellationToken.None);

        Assert.Equal((20, 10), (image.Width, image.Height));
    }

    [Fact]
    public async Task DecodeAsync_NonSeekableStreamLargerThanFirstBuffer_DecodesEveryPixel()
    {
        // Noise does not compress: a few hundred KB, so the pooled input buffer grows several times.
        using var noise = new Image<Rgba32>(320, 240);
        var random = new Random(7);
        noise.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                foreach (ref var pixel in rows.GetRowSpan(y))
                {
                    pixel = new Rgba32((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
                }
            }
        });
        var data = TestImages.Png(noise);
        using var stream = new NonSeekableStream(data);

        using var image = await SafeImageDecoder.DecodeAsync(stream, new ImageDecodeOptions(), CancellationToken.None);

        Assert.True(data.Length > 4 * 64 * 1024);
        Assert.Equal(noise[0, 0], image[0, 0]);
        Assert.Equal(noise[319, 239], image[319, 239]);
        Assert.Equal(noise[123, 45], image[123, 45]);
    }

    [Fact]
    public void TryReadPngSize_PngFile_ReadsIhdr()
    {
        var read = SafeImageDecoder.TryReadPngSize(TestImages.SplitPng(30, 20), out var width, out var height);

        Assert.True(read);
        Assert.Equal((30, 20), (width, height));
    }

    [Fact]
    public void TryReadPngSize_SizeAboveInt32_ReturnsFalse()
    {
        var data = TestImages.PngHeaderOnly(1, 1);
        data[16] = 0x80; // width 2^31 + 1

        Assert.False(SafeImageDecoder.TryReadPngSize(data, out _, out _));
    }

    [Fact]
    public void TryReadPngSize_FirstChunkNotIhdr_ReturnsFalse()
    {
        var data = TestImages.PngHeaderOnly(30, 20);
        data[12] = (byte)'X';

        Assert.False(SafeImageDecoder.TryReadPngSize(data, out _, out _));
        Assert.False(SafeImageDecoder.TryReadPngSize(data.AsSpan(0, 20), out _, out _));
    }

    [Fact]
    public async Task DecodeAsync_Empty_Throws()
    {
        var ex = await Assert.ThrowsAsync<InvalidImageException>(() => Decode([]));

        Assert.Equal("image data is empty", ex.Message);
    }

    [Fact]
    public async Task DecodeAsync_TimeoutElapsed_ThrowsInvalidImage()
    {
        var data = TestImages.SplitPng(20, 20);

        var ex = await Assert.ThrowsAsync<InvalidImageException>(() => Decode(data, new ImageDecodeOptions { DecodeTimeout = TimeSpan.Zero }));

        Assert.Contains("longer than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecodeAsync_CallerCancelled_ThrowsOperationCanceled()
    {
        var data = TestImages.SplitPng(20, 20);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            SafeImageDecoder.DecodeAsync(new MemoryStream(data), new ImageDecodeOptions(), cts.Token));
    }

    [Fact]
    public void ConfigurationFor_AnyLimit_RegistersOnlyPngJpegWebP()
    {
        var configuration = SafeImageDecoder.ConfigurationFor(1000);

        var names = configuration.ImageFormats.Select(f => f.Name).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(["JPEG", "PNG", "Webp"], names);
    }

    [Fact]
    public async Task DecodeAsync_InputReadFails_PropagatesIOException()
    {
        using var stream = new FailingStream();

        await Assert.ThrowsAsync<IOException>(() =>
            SafeImageDecoder.DecodeAsync(stream, new ImageDecodeOptions(), CancellationToken.None));
    }

    private sealed class FailingStream : MemoryStream
    {
        public override bool CanSeek => false;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<int>(new IOException("connection reset"));
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
