using TaskFunctions.Core.Images;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Images;

/// <summary>Output format: PNG by default, the input's format with KeepInputFormat.</summary>
public sealed class AdjustedImageOutputTests
{
    public static TheoryData<string, bool, ImageFormatKind> Cases => new()
    {
        { "jpeg", false, ImageFormatKind.Png },
        { "jpeg", true, ImageFormatKind.Jpeg },
        { "webp", true, ImageFormatKind.WebP },
        { "png", true, ImageFormatKind.Png },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AdjustAsync_KeepInputFormatSetting_ChoosesTheOutputFormat(string input, bool keep, ImageFormatKind expected)
    {
        using var picture = TestImages.Split(64, 48, TestImages.Red, TestImages.Blue);
        var bytes = input switch { "jpeg" => TestImages.Jpeg(picture), "webp" => TestImages.WebP(picture), _ => TestImages.Png(picture) };
        var adjuster = new ImageAdjuster(new ImageDecodeOptions { KeepInputFormat = keep });
        using var output = new MemoryStream();

        var result = await adjuster.AdjustAsync(new MemoryStream(bytes), new AdjustRequest(ResizeMode.Pad, 32, 32, null, CroppingPosition.Center, "lanczos3", 0), output, CancellationToken.None);

        Assert.Equal(expected, SafeImageDecoder.Sniff(output.ToArray()));
        Assert.Equal(expected switch { ImageFormatKind.Jpeg => "image/jpeg", ImageFormatKind.WebP => "image/webp", _ => "image/png" }, result.ContentType);
        Assert.Equal((32, 32), (result.Width, result.Height));
    }
}
