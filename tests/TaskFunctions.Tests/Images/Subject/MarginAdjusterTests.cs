using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TaskFunctions.Core.Images;
using TaskFunctions.Core.Images.Subject;

using TaskFunctions.Tests.Infrastructure;
namespace TaskFunctions.Tests.Images.Subject;

public class MarginAdjusterTests
{
    private static async Task<(MarginAdjustResult Result, Image<Rgba32> Output)> Adjust(byte[] input, MarginRequest request)
    {
        var adjuster = new MarginAdjuster(new ImageDecodeOptions());
        using var output = new MemoryStream();
        var result = await adjuster.AdjustAsync(new MemoryStream(input), request, output, CancellationToken.None);
        return (result, Image.Load<Rgba32>(output.ToArray()));
    }

    private static MarginRequest Square(int size, double margin, ScalingProportions proportions = ScalingProportions.Fit) =>
        new(size, size, null, new MarginSet(margin, margin, margin, margin), proportions, "lanczos3", 0);

    private static byte[] RedSquareOnWhite(Func<Image, byte[]> encode)
    {
        using var image = SubjectImages.Plain(100, 100, SubjectImages.White).With(new Rectangle(20, 30, 40, 40), SubjectImages.Red);
        return encode(image);
    }

    [Fact]
    public async Task AdjustAsync_RedSquareOnWhiteJpeg_PadsWithWhiteAndPlacesSquareAsPlanned()
    {
        var input = RedSquareOnWhite(TestImages.Jpeg);

        var (result, output) = await Adjust(input, Square(200, 0.4));

        using (output)
        {
            Assert.Equal((200, 200, "image/png"), (result.Width, result.Height, result.ContentType));
            Assert.Equal(new Rectangle(80, 80, 40, 40), result.Plan.Subject);
            Assert.Equal(new Rectangle(60, 50, 100, 100), result.Plan.DestRect);
            Assert.True(TestImages.IsNear(SubjectImages.Red, output[100, 100]));
            Assert.True(TestImages.IsNear(SubjectImages.Red, output[82, 82]));
            Assert.Equal(SubjectImages.White, output[10, 10]);
            Assert.Equal(SubjectImages.White, output[190, 190]);
            Assert.True(TestImages.IsNear(SubjectImages.White, output[65, 55]));
            var detected = SubjectDetector.Detect(output, new SubjectDetectionOptions());
            Assert.NotNull(detected);
            Assert.InRange(detected.Bounds.Left, 79, 81);
            Assert.InRange(detected.Bounds.Right, 119, 121);
        }
    }

    [Fact]
    public async Task AdjustAsync_RedSquareOnWhitePng_PadsTransparently()
    {
        var input = RedSquareOnWhite(TestImages.Png);

        var (result, output) = await Adjust(input, Square(200, 0.4));

        using (output)
        {
            Assert.Equal(1, result.Plan.Scale);
            Assert.Equal(SubjectImages.Red, output[80, 80]);
            Assert.Equal(SubjectImages.Red, output[119, 119]);
            Assert.Equal(SubjectImages.White, output[79, 79]);
            Assert.Equal(SubjectImages.White, output[60, 50]);
            Assert.Equal(0, output[59, 100].A);
            Assert.Equal(0, output[100, 49].A);
            Assert.Equal(0, output[100, 150].A);
            Assert.Equal(0, output[160, 100].A);
        }
    }

    [Fact]
    public async Task AdjustAsync_Upscale_ResamplesSquareToPlannedBox()
    {
        var input = RedSquareOnWhite(TestImages.Png);

        var (result, output) = await Adjust(input, Square(200, 0.3));

        using (output)
        {
            Assert.Equal(2, result.Plan.Scale, 9);
            Assert.Equal(new Rectangle(60, 60, 80, 80), result.Plan.Subject);
            Assert.Equal(SubjectImages.Red, output[100, 100]);
            Assert.True(TestImages.IsNear(SubjectImages.Red, output[62, 62]));
            Assert.True(TestImages.IsNear(SubjectImages.White, output[57, 100]));
            Assert.Equal(0, output[10, 100].A);
            Assert.True(TestImages.IsNear(SubjectImages.White, output[199, 100]));
        }
    }

    [Fact]
    public async Task AdjustAsync_TransparentSubject_KeepsAlphaAndPlacesSubject()
    {
        using var image = SubjectImages.Plain(120, 80, SubjectImages.Clear).With(new Rectangle(10, 10, 20, 60), SubjectImages.Red);
        var input = TestImages.Png(image);

        var (result, output) = await Adjust(input, Square(100, 0.1, ScalingProportions.Height));

        using (output)
        {
            Assert.Equal(SubjectDetectionMethod.Alpha, result.Subject?.Method);
            var detected = SubjectDetector.Detect(output, new SubjectDetectionOptions());
            Assert.NotNull(detected);
            Assert.InRange(detected.Bounds.Top, 9, 11);
            Assert.InRange(detected.Bounds.Bottom, 89, 91);
            Assert.InRange(detected.Bounds.Left, 36, 38);
            Assert.Equal(0, output[5, 50].A);
        }
    }

    [Fact]
    public async Task AdjustAsync_AlreadyMatching_IsNoOpAndKeepsPixels()
    {
        using var image = SubjectImages.Plain(100, 100, SubjectImages.White).With(new Rectangle(10, 10, 80, 80), SubjectImages.Red);
        var input = TestImages.Png(image);

        var (result, output) = await Adjust(input, Square(100, 0.1));

        using (output)
        {
            Assert.True(result.Plan.NoOp);
            Assert.Equal((100, 100), (output.Width, output.Height));
            Assert.Equal(SubjectImages.White, output[9, 9]);
            Assert.Equal(SubjectImages.Red, output[10, 10]);
        }
    }

    [Fact]
    public async Task AdjustAsync_UniformImage_UsesWholeImageAsSubject()
    {
        using var image = SubjectImages.Plain(50, 50, SubjectImages.White);
        var input = TestImages.Jpeg(image);

        var (result, output) = await Adjust(input, Square(100, 0.25));

        using (output)
        {
            Assert.Null(result.Subject);
            Assert.Equal(new Rectangle(25, 25, 50, 50), result.Plan.Subject);
            Assert.Equal((100, 100), (output.Width, output.Height));
        }
    }

    [Fact]
    public async Task AdjustAsync_WithReferenceImage_ReproducesReferencePlacement()
    {
        using var reference = SubjectImages.Plain(300, 400, SubjectImages.White).With(new Rectangle(30, 80, 180, 240), SubjectImages.Black);
        using var image = SubjectImages.Plain(500, 500, SubjectImages.White).With(new Rectangle(100, 150, 150, 200), SubjectImages.Red);
        var request = new MarginRequest(300, 400, null, MarginSet.None, ScalingProportions.Fit, "lanczos3", 0,
            new MemoryStream(TestImages.Jpeg(reference)));

        var (result, output) = await Adjust(TestImages.Jpeg(image), request);

        using (output)
        {
            Assert.Equal((300, 400), (output.Width, output.Height));
            Assert.Equal(0.1, result.Margins.Left!.Value, 2);
            var detected = SubjectDetector.Detect(output, new SubjectDetectionOptions());
            Assert.NotNull(detected);
            Assert.InRange(detected.Bounds.Left, 29, 31);
            Assert.InRange(detected.Bounds.Top, 79, 81);
            Assert.InRange(detected.Bounds.Right, 209, 211);
            Assert.InRange(detected.Bounds.Bottom, 319, 321);
        }
    }

    [Fact]
    public async Task AdjustAsync_WithReferenceAndNoTarget_UsesReferenceAspectWithoutResampling()
    {
        using var reference = SubjectImages.Plain(300, 400, SubjectImages.White).With(new Rectangle(30, 80, 180, 240), SubjectImages.Black);
        using var image = SubjectImages.Plain(500, 500, SubjectImages.White).With(new Rectangle(100, 150, 150, 200), SubjectImages.Red);
        var request = new MarginRequest(null, null, null, MarginSet.None, ScalingProportions.Fit, "lanczos3", 0,
            new MemoryStream(TestImages.Png(reference)));

        var (result, output) = await Adjust(TestImages.Png(image), request);

        using (output)
        {
            Assert.Equal(1, result.Plan.Scale);
            Assert.Equal((250, 333), (output.Width, output.Height));
            Assert.Equal(new Rectangle(25, 67, 150, 200), result.Plan.Subject);
            Assert.Equal(SubjectImages.Red, output[25, 67]);
            Assert.Equal(SubjectImages.Red, output[174, 266]);
            Assert.Equal(SubjectImages.White, output[24, 66]);
        }
    }

    [Fact]
    public async Task AdjustAsync_ExplicitMarginWithReference_WinsOverReference()
    {
        using var reference = SubjectImages.Plain(300, 400, SubjectImages.White).With(new Rectangle(30, 80, 180, 240), SubjectImages.Black);
        using var image = SubjectImages.Plain(500, 500, SubjectImages.White).With(new Rectangle(100, 150, 150, 200), SubjectImages.Red);
        var request = new MarginRequest(300, 400, null, new MarginSet(null, null, 0.2, null), ScalingProportions.Fit, "lanczos3", 0,
            new MemoryStream(TestImages.Png(reference)));

        var (result, output) = await Adjust(TestImages.Png(image), request);

        using (output)
        {
            Assert.Equal(0.2, result.Margins.Left);
            Assert.Equal(0.3, result.Margins.Right!.Value, 9);
            Assert.Equal(0.2, result.Margins.Top!.Value, 9);
        }
    }

    [Fact]
    public async Task AdjustAsync_UniformReference_ThrowsInvalidImageNamingTheReference()
    {
        using var reference = SubjectImages.Plain(30, 30, SubjectImages.White);
        var input = RedSquareOnWhite(TestImages.Png);
        var request = Square(100, 0.1) with { ReferenceImage = new MemoryStream(TestImages.Png(reference)) };

        var ex = await Assert.ThrowsAsync<InvalidImageException>(() => Adjust(input, request));

        Assert.Equal(ImageInputRole.Reference, ex.Role);
        Assert.StartsWith("reference image: ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(ex.Message["reference image: ".Length..], ex.Reason);
    }

    [Fact]
    public async Task AdjustAsync_UnknownResampling_Throws()
    {
        var input = RedSquareOnWhite(TestImages.Png);

        await Assert.ThrowsAsync<ArgumentException>(() => Adjust(input, Square(100, 0.1) with { Resampling = "nope" }));
    }
}
