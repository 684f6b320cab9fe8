using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TaskFunctions.Core.Images.Subject;

namespace TaskFunctions.Tests.Images.Subject;

public class SubjectDetectorTests
{
    private static readonly SubjectDetectionOptions Defaults = new();

    private static void AssertNear(Rectangle expected, Rectangle actual, int slack)
    {
        Assert.InRange(actual.Left, expected.Left - slack, expected.Left + slack);
        Assert.InRange(actual.Top, expected.Top - slack, expected.Top + slack);
        Assert.InRange(actual.Right, expected.Right - slack, expected.Right + slack);
        Assert.InRange(actual.Bottom, expected.Bottom - slack, expected.Bottom + slack);
    }

    [Fact]
    public void Detect_TransparentBackground_UsesAlphaAndFindsExactBox()
    {
        var subject = new Rectangle(30, 20, 50, 40);
        using var image = SubjectImages.Plain(200, 100, SubjectImages.Clear).With(subject, SubjectImages.Red);

        var box = SubjectDetector.Detect(image, Defaults);

        Assert.NotNull(box);
        Assert.Equal(SubjectDetectionMethod.Alpha, box.Method);
        Assert.Equal(subject, box.Bounds);
    }

    [Fact]
    public void Detect_FaintAlphaShadow_IsIgnored()
    {
        var subject = new Rectangle(60, 30, 20, 20);
        using var image = SubjectImages.Plain(200, 100, SubjectImages.Clear)
            .With(new Rectangle(10, 10, 180, 80), new Rgba32(0, 0, 0, 10))
            .With(subject, SubjectImages.Red);

        var box = SubjectDetector.Detect(image, Defaults);

        Assert.Equal(subject, box?.Bounds);
    }

    [Fact]
    public void Detect_OpaqueWhiteBackground_UsesBackgroundAndFindsExactBox()
    {
        var subject = new Rectangle(70, 15, 33, 61);
        using var image = SubjectImages.Plain(160, 120, SubjectImages.White).With(subject, SubjectImages.Red);

        var box = SubjectDetector.Detect(image, Defaults);

        Assert.NotNull(box);
        Assert.Equal(SubjectDetectionMethod.Background, box.Method);
        Assert.Equal(subject, box.Bounds);
    }

    [Fact]
    public void Detect_GreyBackgroundAndGreySubject_FindsBoxAgainstEstimatedColour()
    {
        var subject = new Rectangle(20, 40, 100, 30);
        using var image = SubjectImages.Plain(200, 150, new Rgba32(128, 128, 128, 255))
            .With(subject, new Rgba32(90, 90, 90, 255));

        var box = SubjectDetector.Detect(image, Defaults);

        Assert.Equal(subject, box?.Bounds);
    }

    [Theory]
    [InlineData(8, 1)]
    [InlineData(20, 2)]
    [InlineData(30, 3)]
    public void Detect_NoisyBackground_FindsBoxWithinOnePixel(int amplitude, int seed)
    {
        var subject = new Rectangle(60, 40, 80, 50);
        using var image = SubjectImages.Noisy(240, 160, new Rgba32(235, 235, 235, 255), amplitude, seed)
            .With(subject, new Rgba32(20, 20, 120, 255));

        var box = SubjectDetector.Detect(image, Defaults);

        Assert.NotNull(box);
        AssertNear(subject, box.Bounds, 1);
    }

    [Fact]
    public void Detect_NoisyBackgroundOnly_HasNoSubject()
    {
        using var image = SubjectImages.Noisy(240, 160, new Rgba32(200, 210, 220, 255), 25, 7);

        Assert.Null(SubjectDetector.Detect(image, Defaults));
    }

    [Fact]
    public void Detect_UniformOpaqueImage_HasNoSubject()
    {
        using var image = SubjectImages.Plain(64, 48, new Rgba32(10, 200, 30, 255));

        Assert.Null(SubjectDetector.Detect(image, Defaults));
    }

    [Fact]
    public void Detect_FullyTransparentImage_HasNoSubject()
    {
        using var image = SubjectImages.Plain(64, 48, SubjectImages.Clear);

        Assert.Null(SubjectDetector.Detect(image, Defaults));
    }

    [Fact]
    public void Detect_IsolatedSpecks_AreIgnored()
    {
        var subject = new Rectangle(50, 50, 30, 30);
        using var image = SubjectImages.Plain(200, 120, SubjectImages.White).With(subject, SubjectImages.Red)
            .With(new Rectangle(5, 90, 1, 1), SubjectImages.Black)
            .With(new Rectangle(150, 10, 1, 1), SubjectImages.Black)
            .With(new Rectangle(180, 80, 2, 2), SubjectImages.Black)
            .With(new Rectangle(120, 5, 40, 1), SubjectImages.Black);

        var box = SubjectDetector.Detect(image, Defaults);

        Assert.Equal(subject, box?.Bounds);
    }

    [Fact]
    public void Detect_SpeckRadiusZero_KeepsSpecks()
    {
        using var image = SubjectImages.Plain(200, 120, SubjectImages.White)
            .With(new Rectangle(50, 50, 30, 30), SubjectImages.Red)
            .With(new Rectangle(150, 10, 1, 1), SubjectImages.Black);

        var box = SubjectDetector.Detect(image, new SubjectDetectionOptions { SpeckRadius = 0 });

        Assert.Equal(Rectangle.FromLTRB(50, 10, 151, 80), box?.Bounds);
    }

    [Fact]
    public void Detect_SubjectTouchingBorder_ReachesTheEdge()
    {
        var subject = Rectangle.FromLTRB(40, 30, 100, 120);
        using var image = SubjectImages.Plain(160, 120, SubjectImages.White).With(subject, SubjectImages.Red);

        var box = SubjectDetector.Detect(image, Defaults);

        Assert.Equal(subject, box?.Bounds);
    }

    [Fact]
    public void Detect_NegativeTolerance_Throws()
    {
        using var image = SubjectImages.Plain(10, 10, SubjectImages.White);

        Assert.Throws<ArgumentException>(() => SubjectDetector.Detect(image, new SubjectDetectionOptions { ColorTolerance = -1 }));
    }
}
