using TaskFunctions.Core.Images;

namespace TaskFunctions.Tests.Images;

public class AdjustGeometryTests
{
    private static AdjustRequest Size(ResizeMode mode, int width, int height, CroppingPosition position = CroppingPosition.Center, double tolerance = 0) =>
        new(mode, width, height, null, position, "lanczos3", tolerance);

    private static AdjustRequest Aspect(ResizeMode mode, double aspect, CroppingPosition position = CroppingPosition.Center, double tolerance = 0) =>
        new(mode, null, null, aspect, position, "lanczos3", tolerance);

    [Theory]
    [InlineData(105, 100, ResizeMode.Crop)] // 1.05 / 1 - 1 = 0.05 exactly: not above the threshold
    [InlineData(106, 100, ResizeMode.Pad)]
    [InlineData(100, 105, ResizeMode.Crop)] // 0.952 / 1 - 1 = -0.048
    [InlineData(100, 106, ResizeMode.Pad)] // -0.057
    [InlineData(400, 400, ResizeMode.Crop)]
    public void Plan_AutoAgainstSquareTarget_ChoosesByFivePercentAspectDifference(int srcWidth, int srcHeight, ResizeMode expected)
    {
        var req = Size(ResizeMode.Auto, 50, 50);

        var plan = AdjustGeometry.Plan(srcWidth, srcHeight, req);

        Assert.Equal(expected, plan.Operation);
    }

    [Theory]
    [InlineData(210, 100, 2.0, ResizeMode.Crop)] // 2.1 / 2 - 1 = 0.05
    [InlineData(211, 100, 2.0, ResizeMode.Pad)]
    public void Plan_AutoWithAspectRatioOnly_UsesSameBoundary(int srcWidth, int srcHeight, double aspect, ResizeMode expected)
    {
        var plan = AdjustGeometry.Plan(srcWidth, srcHeight, Aspect(ResizeMode.Auto, aspect));

        Assert.Equal(expected, plan.Operation);
    }

    [Fact]
    public void Plan_AutoAtBoundary_ReportsAspectDifference()
    {
        var plan = AdjustGeometry.Plan(106, 100, Size(ResizeMode.Auto, 100, 100));

        Assert.Equal(0.06, plan.AspectDifference, 9);
    }

    [Theory]
    [InlineData(CroppingPosition.Left, 0, 0)]
    [InlineData(CroppingPosition.Center, 50, 0)]
    [InlineData(CroppingPosition.Right, 100, 0)]
    [InlineData(CroppingPosition.Top, 50, 0)]
    [InlineData(CroppingPosition.Bottom, 50, 0)]
    [InlineData(CroppingPosition.TopLeft, 0, 0)]
    [InlineData(CroppingPosition.TopRight, 100, 0)]
    [InlineData(CroppingPosition.BottomLeft, 0, 0)]
    [InlineData(CroppingPosition.BottomRight, 100, 0)]
    public void Plan_CropWideSourceToSquare_PlacesCropByPosition(CroppingPosition position, int x, int y)
    {
        var plan = AdjustGeometry.Plan(200, 100, Size(ResizeMode.Crop, 100, 100, position));

        Assert.Equal((x, y, 100, 100), (plan.CropX, plan.CropY, plan.CropWidth, plan.CropHeight));
    }

    [Theory]
    [InlineData(CroppingPosition.Top, 0, 0)]
    [InlineData(CroppingPosition.Center, 0, 50)]
    [InlineData(CroppingPosition.Bottom, 0, 100)]
    [InlineData(CroppingPosition.Left, 0, 50)]
    [InlineData(CroppingPosition.BottomRight, 0, 100)]
    [InlineData(CroppingPosition.TopRight, 0, 0)]
    public void Plan_CropTallSourceToSquare_PlacesCropByPosition(CroppingPosition position, int x, int y)
    {
        var plan = AdjustGeometry.Plan(100, 200, Size(ResizeMode.Crop, 100, 100, position));

        Assert.Equal((x, y, 100, 100), (plan.CropX, plan.CropY, plan.CropWidth, plan.CropHeight));
    }

    [Fact]
    public void Plan_CropOddSlackCentered_RoundsOffsetDown()
    {
        var plan = AdjustGeometry.Plan(201, 100, Size(ResizeMode.Crop, 100, 100));

        Assert.Equal((50, 0, 100, 100), (plan.CropX, plan.CropY, plan.CropWidth, plan.CropHeight));
    }

    [Fact]
    public void Plan_CropToSmallerSize_CropsLargestMatchingRectangleThenScales()
    {
        var plan = AdjustGeometry.Plan(400, 200, Size(ResizeMode.Crop, 100, 100));

        Assert.Equal((100, 0, 200, 200), (plan.CropX, plan.CropY, plan.CropWidth, plan.CropHeight));
        Assert.Equal((100, 100), (plan.ScaledWidth, plan.ScaledHeight));
        Assert.Equal((100, 100), (plan.CanvasWidth, plan.CanvasHeight));
        Assert.False(plan.Pads);
    }

    [Theory]
    [InlineData(200, 100, 100, 100, 100, 50, 0, 25)]
    [InlineData(100, 200, 100, 100, 50, 100, 25, 0)]
    [InlineData(200, 100, 101, 101, 101, 51, 0, 25)] // 50.5 rounds to 51; slack 50 splits 25/25
    [InlineData(100, 100, 300, 200, 200, 200, 50, 0)]
    [InlineData(300, 100, 100, 100, 100, 33, 0, 33)] // slack 67 splits 33/34
    public void Plan_PadToSize_ContainsAndCentres(int sw, int sh, int tw, int th, int scaledW, int scaledH, int offsetX, int offsetY)
    {
        var plan = AdjustGeometry.Plan(sw, sh, Size(ResizeMode.Pad, tw, th));

        Assert.Equal((0, 0, sw, sh), (plan.CropX, plan.CropY, plan.CropWidth, plan.CropHeight));
        Assert.Equal((scaledW, scaledH), (plan.ScaledWidth, plan.ScaledHeight));
        Assert.Equal((tw, th), (plan.CanvasWidth, plan.CanvasHeight));
        Assert.Equal((offsetX, offsetY), (plan.OffsetX, plan.OffsetY));
    }

    [Fact]
    public void Plan_ScaleToSize_StretchesWholeSource()
    {
        var plan = AdjustGeometry.Plan(400, 300, Size(ResizeMode.Scale, 100, 50));

        Assert.False(plan.Crops);
        Assert.Equal((100, 50, 100, 50), (plan.ScaledWidth, plan.ScaledHeight, plan.CanvasWidth, plan.CanvasHeight));
        Assert.Equal(ResizeMode.Scale, plan.Operation);
    }

    [Fact]
    public void Plan_CropToAspectOnly_KeepsLargestRectangleWithoutResampling()
    {
        var plan = AdjustGeometry.Plan(400, 300, Aspect(ResizeMode.Crop, 1.0));

        Assert.Equal((50, 0, 300, 300), (plan.CropX, plan.CropY, plan.CropWidth, plan.CropHeight));
        Assert.False(plan.Resamples);
        Assert.False(plan.Pads);
    }

    [Fact]
    public void Plan_PadToAspectOnly_BuildsSmallestCanvasWithoutResampling()
    {
        var plan = AdjustGeometry.Plan(400, 300, Aspect(ResizeMode.Pad, 1.0));

        Assert.Equal((400, 400), (plan.CanvasWidth, plan.CanvasHeight));
        Assert.Equal((0, 50), (plan.OffsetX, plan.OffsetY));
        Assert.False(plan.Resamples);
        Assert.False(plan.Crops);
    }

    [Fact]
    public void Plan_PadTallSourceToWideAspect_WidensCanvas()
    {
        var plan = AdjustGeometry.Plan(300, 400, Aspect(ResizeMode.Pad, 16.0 / 9));

        Assert.Equal((711, 400), (plan.CanvasWidth, plan.CanvasHeight));
        Assert.Equal((205, 0), (plan.OffsetX, plan.OffsetY));
    }

    [Fact]
    public void Plan_ScaleToAspectOnly_RescalesWidthKeepingHeight()
    {
        var plan = AdjustGeometry.Plan(400, 300, Aspect(ResizeMode.Scale, 2.0));

        Assert.Equal((600, 300), (plan.ScaledWidth, plan.ScaledHeight));
        Assert.Equal((600, 300), (plan.CanvasWidth, plan.CanvasHeight));
    }

    [Theory]
    [InlineData(ResizeMode.Crop)]
    [InlineData(ResizeMode.Pad)]
    [InlineData(ResizeMode.Scale)]
    [InlineData(ResizeMode.Auto)]
    public void Plan_ExactSizeWithZeroTolerance_IsNoOp(ResizeMode mode)
    {
        var plan = AdjustGeometry.Plan(640, 480, Size(mode, 640, 480));

        Assert.True(plan.NoOp);
        Assert.Equal((640, 480), (plan.CanvasWidth, plan.CanvasHeight));
    }

    [Theory]
    [InlineData(641, 480)]
    [InlineData(640, 479)]
    public void Plan_OnePixelOffWithZeroTolerance_IsNotNoOp(int srcWidth, int srcHeight)
    {
        var plan = AdjustGeometry.Plan(srcWidth, srcHeight, Size(ResizeMode.Crop, 640, 480));

        Assert.False(plan.NoOp);
        Assert.Equal((640, 480), (plan.CanvasWidth, plan.CanvasHeight));
    }

    [Theory]
    [InlineData(105, 100, true)]
    [InlineData(95, 100, true)]
    [InlineData(106, 100, false)]
    [InlineData(100, 94, false)]
    public void Plan_SizeWithinTolerance_IsNoOp(int srcWidth, int srcHeight, bool expected)
    {
        var plan = AdjustGeometry.Plan(srcWidth, srcHeight, Size(ResizeMode.Pad, 100, 100, tolerance: 0.05));

        Assert.Equal(expected, plan.NoOp);
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.05, true)]
    public void Plan_AspectWithinTolerance_IsNoOp(double tolerance, bool expected)
    {
        var plan = AdjustGeometry.Plan(420, 400, Aspect(ResizeMode.Crop, 1.0, tolerance: tolerance));

        Assert.Equal(expected, plan.NoOp);
    }

    [Fact]
    public void Plan_AspectAlreadyMatchingAfterRounding_IsNoOp()
    {
        var plan = AdjustGeometry.Plan(1920, 1080, Aspect(ResizeMode.Crop, 1.7778));

        Assert.True(plan.NoOp);
        Assert.Equal((1920, 1080), (plan.CanvasWidth, plan.CanvasHeight));
    }

    [Theory]
    [InlineData(ResizeMode.Crop, 1, 1000, 1000, 1)]
    [InlineData(ResizeMode.Crop, 1000, 1, 1, 1000)]
    [InlineData(ResizeMode.Pad, 1, 1000, 1000, 1)]
    [InlineData(ResizeMode.Pad, 10000, 1, 1, 10000)]
    [InlineData(ResizeMode.Scale, 3, 7, 1, 1)]
    [InlineData(ResizeMode.Auto, 7, 3, 1, 999)]
    [InlineData(ResizeMode.Crop, 333, 777, 13, 17)]
    [InlineData(ResizeMode.Pad, 333, 777, 17, 13)]
    public void Plan_ExtremeAndOddSizes_OutputsTargetSizeWithPositiveParts(ResizeMode mode, int sw, int sh, int tw, int th)
    {
        var plan = AdjustGeometry.Plan(sw, sh, Size(mode, tw, th));

        Assert.Equal((tw, th), (plan.CanvasWidth, plan.CanvasHeight));
        Assert.True(plan.CropWidth >= 1 && plan.CropHeight >= 1 && plan.ScaledWidth >= 1 && plan.ScaledHeight >= 1);
        Assert.True(plan.CropX + plan.CropWidth <= sw && plan.CropY + plan.CropHeight <= sh);
        Assert.True(plan.OffsetX + plan.ScaledWidth <= tw && plan.OffsetY + plan.ScaledHeight <= th);
    }

    [Theory]
    [InlineData(ResizeMode.Crop, 3, 1000, 1000.0)]
    [InlineData(ResizeMode.Crop, 1000, 3, 0.001)]
    [InlineData(ResizeMode.Scale, 1000, 3, 0.0001)]
    [InlineData(ResizeMode.Pad, 1000, 1000, 0.001)]
    public void Plan_ExtremeAspectOnly_NeverProducesZeroPixels(ResizeMode mode, int sw, int sh, double aspect)
    {
        var plan = AdjustGeometry.Plan(sw, sh, Aspect(mode, aspect));

        Assert.True(plan.CropWidth >= 1 && plan.CropHeight >= 1);
        Assert.True(plan.ScaledWidth >= 1 && plan.ScaledHeight >= 1);
        Assert.True(plan.CanvasWidth >= 1 && plan.CanvasHeight >= 1);
    }

    [Fact]
    public void Plan_PadToAspectBeyondIntRange_ThrowsInvalidImage()
    {
        var req = Aspect(ResizeMode.Pad, 1e-12);

        Assert.Throws<InvalidImageException>(() => AdjustGeometry.Plan(1000, 1000, req));
    }

    [Theory]
    [InlineData(100, null, null)]
    [InlineData(null, 100, null)]
    [InlineData(null, null, null)]
    [InlineData(null, null, 0.0)]
    [InlineData(0, 100, null)]
    [InlineData(null, null, double.NaN)]
    public void Plan_IncompleteTarget_ThrowsArgumentException(int? width, int? height, double? aspect)
    {
        var req = new AdjustRequest(ResizeMode.Crop, width, height, aspect, CroppingPosition.Center, "lanczos3", 0);

        Assert.Throws<ArgumentException>(() => AdjustGeometry.Plan(100, 100, req));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    public void Plan_ToleranceOutOfRange_ThrowsArgumentException(double tolerance)
    {
        var req = Size(ResizeMode.Crop, 10, 10, tolerance: tolerance);

        Assert.Throws<ArgumentException>(() => AdjustGeometry.Plan(100, 100, req));
    }

    [Fact]
    public void Plan_TargetSizeAndAspect_TargetSizeWins()
    {
        var req = new AdjustRequest(ResizeMode.Scale, 50, 40, 3.0, CroppingPosition.Center, "lanczos3", 0);

        var plan = AdjustGeometry.Plan(100, 100, req);

        Assert.Equal((50, 40), (plan.CanvasWidth, plan.CanvasHeight));
    }
}
