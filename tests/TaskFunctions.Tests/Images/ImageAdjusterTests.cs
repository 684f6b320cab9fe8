using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using TaskFunctions.Core.Images;

using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Images;

public class ImageAdjusterTests
{
    private static readonly Rgba32 White = new(255, 255, 255, 255);

    private static async Task<(AdjustResult Result, byte[] Png)> Adjust(byte[] input, AdjustRequest req, ImageDecodeOptions? options = null)
    {
        var adjuster = new ImageAdjuster(options ?? new ImageDecodeOptions());
        using var output = new MemoryStream();
        var result = await adjuster.AdjustAsync(new MemoryStream(input), req, output, CancellationToken.None);
        return (result, output.ToArray());
    }

    private static AdjustRequest Size(ResizeMode mode, int width, int height, CroppingPosition position = CroppingPosition.Center) =>
        new(mode, width, height, null, position, "lanczos3", 0);

    [Fact]
    public async Task AdjustAsync_CropLeft_KeepsLeftHalf()
    {
        var input = TestImages.SplitPng(200, 100);

        var (result, png) = await Adjust(input, Size(ResizeMode.Crop, 100, 100, CroppingPosition.Left));

        Assert.Equal((100, 100, "image/png"), (result.Width, result.Height, result.ContentType));
        Assert.Equal(TestImages.Red, TestImages.PixelAt(png, 0, 0));
        Assert.Equal(TestImages.Red, TestImages.PixelAt(png, 99, 99));
    }

    [Fact]
    public async Task AdjustAsync_CropRight_KeepsRightHalf()
    {
        var input = TestImages.SplitPng(200, 100);

        var (_, png) = await Adjust(input, Size(ResizeMode.Crop, 50, 50, CroppingPosition.Right));

        Assert.Equal(TestImages.Blue, TestImages.PixelAt(png, 0, 0));
        Assert.Equal(TestImages.Blue, TestImages.PixelAt(png, 49, 49));
    }

    [Fact]
    public async Task AdjustAsync_PadPng_AddsTransparentBorders()
    {
        var input = TestImages.SplitPng(200, 100);

        var (result, png) = await Adjust(input, Size(ResizeMode.Pad, 100, 100));

        Assert.Equal((100, 100), (result.Width, result.Height));
        Assert.Equal(0, TestImages.PixelAt(png, 50, 0).A);
        Assert.Equal(0, TestImages.PixelAt(png, 50, 99).A);
        Assert.Equal(TestImages.Red, TestImages.PixelAt(png, 10, 50));
        Assert.Equal(TestImages.Blue, TestImages.PixelAt(png, 90, 50));
    }

    [Fact]
    public async Task AdjustAsync_PadJpeg_AddsWhiteBorders()
    {
        var input = TestImages.SplitJpeg(200, 100);

        var (result, png) = await Adjust(input, Size(ResizeMode.Pad, 100, 100));

        Assert.Equal((100, 100), (result.Width, result.Height));
        Assert.Equal(White, TestImages.PixelAt(png, 50, 0));
        Assert.Equal(White, TestImages.PixelAt(png, 50, 99));
        Assert.Equal(White, TestImages.PixelAt(png, 10, 24));
        Assert.True(TestImages.IsNear(TestImages.Red, TestImages.PixelAt(png, 10, 26)));
        Assert.True(TestImages.IsNear(TestImages.Blue, TestImages.PixelAt(png, 90, 73)));
        Assert.Equal(White, TestImages.PixelAt(png, 90, 75));
    }

    [Fact]
    public async Task AdjustAsync_PadOpaqueWebP_AddsWhiteBorders()
    {
        using var source = TestImages.Split(200, 100, TestImages.Red, TestImages.Blue);

        var (_, png) = await Adjust(TestImages.WebP(source), Size(ResizeMode.Pad, 100, 100));

        Assert.Equal(White, TestImages.PixelAt(png, 50, 0));
    }

    [Fact]
    public async Task AdjustAsync_PadWebPWithAlpha_AddsTransparentBorders()
    {
        using var source = TestImages.Split(200, 100, TestImages.Red, new Rgba32(0, 0, 255, 128));

        var (_, png) = await Adjust(TestImages.WebP(source), Size(ResizeMode.Pad, 100, 100));

        Assert.Equal(0, TestImages.PixelAt(png, 50, 0).A);
    }

    [Fact]
    public async Task AdjustAsync_PadToAspectOnly_CopiesPixelsExactly()
    {
        var input = TestImages.SplitPng(40, 20);
        var req = new AdjustRequest(ResizeMode.Pad, null, null, 1.0, CroppingPosition.Center, "mitchellnetravali", 0);

        var (result, png) = await Adjust(input, req);

        Assert.Equal((40, 40), (result.Width, result.Height));
        Assert.Equal(0, TestImages.PixelAt(png, 0, 9).A);
        Assert.Equal(TestImages.Red, TestImages.PixelAt(png, 19, 10));
        Assert.Equal(TestImages.Blue, TestImages.PixelAt(png, 20, 29));
        Assert.Equal(0, TestImages.PixelAt(png, 39, 30).A);
    }

    [Theory]
    [InlineData(ResizeMode.Scale, 50, 80)]
    [InlineData(ResizeMode.Crop, 33, 77)]
    [InlineData(ResizeMode.Pad, 77, 33)]
    [InlineData(ResizeMode.Auto, 1, 1)]
    [InlineData(ResizeMode.Auto, 300, 150)]
    public async Task AdjustAsync_TargetSize_OutputHasTargetSize(ResizeMode mode, int width, int height)
    {
        var input = TestImages.SplitJpeg(120, 90);

        var (result, png) = await Adjust(input, Size(mode, width, height));

        using var decoded = Image.Load<Rgba32>(png);
        Assert.Equal((width, height), (decoded.Width, decoded.Height));
        Assert.Equal((width, height), (result.Width, result.Height));
    }

    [Fact]
    public async Task AdjustAsync_ExactSize_IsNoOpWithSamePixels()
    {
        var input = TestImages.SplitPng(64, 32);

        var (result, png) = await Adjust(input, Size(ResizeMode.Crop, 64, 32));

        Assert.True(result.Plan.NoOp);
        Assert.Equal((64, 32), (result.Width, result.Height));
        Assert.Equal(TestImages.Red, TestImages.PixelAt(png, 31, 0));
        Assert.Equal(TestImages.Blue, TestImages.PixelAt(png, 32, 0));
    }

    [Fact]
    public async Task AdjustAsync_PaddedResultAbovePixelLimit_ThrowsInvalidImage()
    {
        var input = TestImages.SplitPng(100, 10);
        var req = new AdjustRequest(ResizeMode.Pad, null, null, 0.01, CroppingPosition.Center, "lanczos3", 0);

        var ex = await Assert.ThrowsAsync<InvalidImageException>(() => Adjust(input, req, new ImageDecodeOptions { MaxPixels = 100_000 }));

        Assert.Contains("100x10000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdjustAsync_JpegWithExifRotation_PlansOnDisplayedSize()
    {
        using var source = TestImages.Split(200, 100, TestImages.Red, TestImages.Blue);
        source.Metadata.ExifProfile = new ExifProfile();
        source.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
        var input = TestImages.Jpeg(source);

        var (result, _) = await Adjust(input, Size(ResizeMode.Scale, 50, 50));

        Assert.Equal((100, 200), (result.Plan.SourceWidth, result.Plan.SourceHeight));
    }

    [Fact]
    public async Task AdjustAsync_UnknownResampling_ThrowsArgumentException()
    {
        var input = TestImages.SplitPng(10, 10);
        var req = new AdjustRequest(ResizeMode.Scale, 5, 5, null, CroppingPosition.Center, "supersample", 0);

        await Assert.ThrowsAsync<ArgumentException>(() => Adjust(input, req));
    }

    [Fact]
    public async Task AdjustAsync_GifInput_ThrowsInvalidImage()
    {
        using var source = TestImages.Split(10, 10, TestImages.Red, TestImages.Blue);

        await Assert.ThrowsAsync<InvalidImageException>(() => Adjust(TestImages.Gif(source), Size(ResizeMode.Scale, 5, 5)));
    }
}
