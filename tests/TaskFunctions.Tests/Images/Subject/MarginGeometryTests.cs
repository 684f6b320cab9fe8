using SixLabors.ImageSharp;
using TaskFunctions.Core.Images.Subject;

namespace TaskFunctions.Tests.Images.Subject;

public class MarginGeometryTests
{
    private static readonly MarginSet TenPercent = new(0.1, 0.1, 0.1, 0.1);

    private static MarginPlan Plan(
        Size source, Rectangle subject, Size? target, MarginSet margins, ScalingProportions proportions, double tolerance = 0, double? aspect = null) =>
        MarginGeometry.Plan(source, subject, target, aspect, margins, proportions, tolerance);

    /// <summary>Subject margins on the canvas in pixels: top, bottom, left, right.</summary>
    private static (int Top, int Bottom, int Left, int Right) PixelMargins(MarginPlan plan) =>
        (plan.Subject.Top, plan.Canvas.Height - plan.Subject.Bottom, plan.Subject.Left, plan.Canvas.Width - plan.Subject.Right);

    private static void AssertMinimumMargins(MarginPlan plan, MarginSet requested)
    {
        var (top, bottom, left, right) = PixelMargins(plan);
        Assert.True(top >= (requested.Top ?? 0) * plan.Canvas.Height - 1, $"top {top}");
        Assert.True(bottom >= (requested.Bottom ?? 0) * plan.Canvas.Height - 1, $"bottom {bottom}");
        Assert.True(left >= (requested.Left ?? 0) * plan.Canvas.Width - 1, $"left {left}");
        Assert.True(right >= (requested.Right ?? 0) * plan.Canvas.Width - 1, $"right {right}");
    }

    private static (Size Source, Rectangle Subject, Size Target, MarginSet Margins) Case(int[] n, double[] m) =>
        (new Size(n[0], n[1]), new Rectangle(n[2], n[3], n[4], n[5]), new Size(n[6], n[7]), new MarginSet(m[0], m[1], m[2], m[3]));

    /// <summary>The scaled source placed on the canvas, as the pixel code draws it.</summary>
    private static Rectangle Placed(MarginPlan plan) => new(plan.Offset, plan.ScaledSize);

    public static TheoryData<int[], double[]> FitCases => new()
    {
        // { source w, h, subject x, y, w, h, target w, h }, { margins top, bottom, left, right }
        { [400, 300, 100, 50, 100, 200, 500, 500], [0.1, 0.1, 0.1, 0.1] },
        { [400, 300, 100, 50, 200, 100, 500, 500], [0.1, 0.1, 0.1, 0.1] },
        { [1000, 800, 0, 0, 1000, 800, 300, 300], [0.05, 0.2, 0.15, 0.15] },
        { [640, 480, 600, 400, 40, 80, 1024, 768], [0.3, 0.1, 0.0, 0.5] },
        { [123, 457, 3, 5, 117, 449, 333, 222], [0.12, 0.07, 0.21, 0.09] },
        { [50, 50, 20, 20, 1, 1, 900, 300], [0.25, 0.25, 0.25, 0.25] },
    };

    [Theory]
    [MemberData(nameof(FitCases))]
    public void Plan_Fit_KeepsEveryMinimumMarginAndMatchesOneAxis(
        int[] sizes, double[] fractions)
    {
        var (source, subject, target, margins) = Case(sizes, fractions);
        var (tw, th) = (target.Width, target.Height);
        var (bh, top, bottom, left, right) = (subject.Height, margins.Top!.Value, margins.Bottom!.Value, margins.Left!.Value, margins.Right!.Value);
        var plan = Plan(source, subject, target, margins, ScalingProportions.Fit);

        Assert.Equal(new Size(tw, th), plan.Canvas);
        AssertMinimumMargins(plan, margins);
        var (pt, pb, pl, pr) = PixelMargins(plan);
        bool verticalExact = Math.Abs(pt - top * th) <= 1 && Math.Abs(pb - bottom * th) <= 1;
        bool horizontalExact = Math.Abs(pl - left * tw) <= 1 && Math.Abs(pr - right * tw) <= 1;
        Assert.True(verticalExact || horizontalExact, $"margins {pt} {pb} {pl} {pr}");
    }

    [Theory]
    [MemberData(nameof(FitCases))]
    public void Plan_Height_MatchesVerticalMarginsExactly(
        int[] sizes, double[] fractions)
    {
        var (source, subject, target, margins) = Case(sizes, fractions);
        var (tw, th) = (target.Width, target.Height);
        var (bh, top, bottom, left, right) = (subject.Height, margins.Top!.Value, margins.Bottom!.Value, margins.Left!.Value, margins.Right!.Value);
        var plan = Plan(source, subject, target, margins, ScalingProportions.Height);

        var (pt, pb, _, _) = PixelMargins(plan);
        Assert.InRange(pt, top * th - 1, top * th + 1);
        Assert.InRange(pb, bottom * th - 1, bottom * th + 1);
        Assert.Equal(th * (1 - top - bottom) / bh, plan.Scale, 9);
    }

    [Theory]
    [MemberData(nameof(FitCases))]
    public void Plan_Width_MatchesHorizontalMarginsExactly(
        int[] sizes, double[] fractions)
    {
        var (source, subject, target, margins) = Case(sizes, fractions);
        var (tw, th) = (target.Width, target.Height);
        var (bh, top, bottom, left, right) = (subject.Height, margins.Top!.Value, margins.Bottom!.Value, margins.Left!.Value, margins.Right!.Value);
        var plan = Plan(source, subject, target, margins, ScalingProportions.Width);

        var (_, _, pl, pr) = PixelMargins(plan);
        Assert.InRange(pl, left * tw - 1, left * tw + 1);
        Assert.InRange(pr, right * tw - 1, right * tw + 1);
    }

    [Fact]
    public void Plan_FitTallSubject_CentresHorizontallyAndCropsWithoutPadding()
    {
        var plan = Plan(new Size(400, 300), new Rectangle(100, 50, 100, 200), new Size(500, 500), TenPercent, ScalingProportions.Fit);

        Assert.Equal(2, plan.Scale, 9);
        Assert.Equal(new Rectangle(150, 50, 200, 400), plan.Subject);
        Assert.Equal(new Point(-50, -50), plan.Offset);
        Assert.Equal(new Size(800, 600), plan.ScaledSize);
        Assert.Equal(new Rectangle(0, 0, 500, 500), plan.DestRect);
        Assert.Equal(Rectangle.FromLTRB(25, 25, 275, 275), plan.SourceRect);
        Assert.False(plan.Pads);
        Assert.True(plan.Resamples);
        Assert.False(plan.NoOp);
    }

    [Fact]
    public void Plan_HeightWithWideSubject_OverflowsHorizontallySymmetrically()
    {
        var plan = Plan(new Size(600, 300), new Rectangle(100, 50, 400, 200), new Size(1000, 1000), TenPercent, ScalingProportions.Height);

        Assert.Equal(4, plan.Scale, 9);
        Assert.Equal(new Rectangle(-300, 100, 1600, 800), plan.Subject);
        Assert.True(plan.Margins.Left < 0 && plan.Margins.Right < 0);
    }

    [Fact]
    public void Plan_FitWhereSourceIsShort_PadsWhereSourceLacksPixels()
    {
        var plan = Plan(new Size(600, 300), new Rectangle(100, 50, 400, 200), new Size(1000, 1000), TenPercent, ScalingProportions.Fit);

        Assert.Equal(2, plan.Scale, 9);
        Assert.Equal(new Rectangle(100, 300, 800, 400), plan.Subject);
        Assert.Equal(new Rectangle(-100, 200, 1200, 600), Placed(plan));
        Assert.Equal(new Rectangle(0, 200, 1000, 600), plan.DestRect);
        Assert.True(plan.Pads);
    }

    [Fact]
    public void Plan_FillWhereFitWouldPad_ScalesUpToCoverTheCanvas()
    {
        var plan = Plan(new Size(600, 300), new Rectangle(100, 50, 400, 200), new Size(1000, 1000), TenPercent, ScalingProportions.Fill);

        Assert.Equal(4, plan.Scale, 9);
        Assert.False(plan.Pads);
        Assert.Equal(new Rectangle(0, 0, 1000, 1000), plan.DestRect);
        var (top, bottom, _, _) = PixelMargins(plan);
        Assert.Equal((100, 100), (top, bottom));
    }

    [Fact]
    public void Plan_FillWhereFitCentringWouldPad_ShiftsWithinMarginsInstead()
    {
        var source = new Size(1000, 1000);
        var subject = new Rectangle(100, 100, 100, 400);

        var fit = Plan(source, subject, new Size(1000, 1000), TenPercent, ScalingProportions.Fit);
        var fill = Plan(source, subject, new Size(1000, 1000), TenPercent, ScalingProportions.Fill);

        Assert.True(fit.Pads);
        Assert.Equal(new Rectangle(400, 100, 200, 800), fit.Subject);
        Assert.False(fill.Pads);
        Assert.Equal(fit.Scale, fill.Scale, 9);
        Assert.Equal(new Rectangle(200, 100, 200, 800), fill.Subject);
        AssertMinimumMargins(fill, TenPercent);
    }

    [Fact]
    public void Plan_FillWhenNothingCovers_FallsBackToFitScaleWithLeastPadding()
    {
        var plan = Plan(new Size(500, 500), new Rectangle(50, 50, 400, 400), new Size(1000, 1000), new(0.2, 0.2, 0.2, 0.2), ScalingProportions.Fill);

        Assert.Equal(1.5, plan.Scale, 9);
        Assert.Equal(new Rectangle(125, 125, 750, 750), Placed(plan));
        Assert.True(plan.Pads);
        AssertMinimumMargins(plan, new(0.2, 0.2, 0.2, 0.2));
    }

    [Fact]
    public void Plan_AspectRatioOnly_KeepsScaleOneAndSizesCanvasToSubject()
    {
        var plan = Plan(new Size(400, 300), new Rectangle(100, 50, 100, 200), null, TenPercent, ScalingProportions.Fit, aspect: 1);

        Assert.Equal(1, plan.Scale);
        Assert.False(plan.Resamples);
        Assert.Equal(new Size(250, 250), plan.Canvas);
        Assert.Equal(new Rectangle(75, 25, 100, 200), plan.Subject);
        AssertMinimumMargins(plan, TenPercent);
    }

    [Fact]
    public void Plan_AspectRatioOnlyWithWidth_MatchesHorizontalMarginsOnSmallerCanvas()
    {
        var plan = Plan(new Size(400, 300), new Rectangle(100, 50, 100, 200), null, TenPercent, ScalingProportions.Width, aspect: 2);

        Assert.Equal(new Size(125, 63), plan.Canvas);
        Assert.Equal((13, 12), (plan.Subject.Left, plan.Canvas.Width - plan.Subject.Right));
    }

    [Fact]
    public void Plan_NoTarget_UsesSourceSize()
    {
        var plan = Plan(new Size(300, 200), new Rectangle(0, 0, 60, 40), null, TenPercent, ScalingProportions.Fit);

        Assert.Equal(new Size(300, 200), plan.Canvas);
        Assert.Equal(new Rectangle(30, 20, 240, 160), plan.Subject);
    }

    [Fact]
    public void Plan_NullMargins_AreUnconstrained()
    {
        var margins = new MarginSet(null, 0.25, null, null);

        var plan = Plan(new Size(200, 200), new Rectangle(50, 50, 100, 100), new Size(200, 200), margins, ScalingProportions.Fit);

        Assert.Equal(new Rectangle(25, 0, 150, 150), plan.Subject);
    }

    [Fact]
    public void Plan_SourceAlreadyMatching_IsNoOp()
    {
        var plan = Plan(new Size(500, 500), new Rectangle(50, 50, 400, 400), new Size(500, 500), TenPercent, ScalingProportions.Fit);

        Assert.True(plan.NoOp);
        Assert.Equal(1, plan.Scale);
        Assert.Equal(new Size(500, 500), plan.Canvas);
        Assert.Equal(new Rectangle(0, 0, 500, 500), plan.DestRect);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(0.005, false)]
    [InlineData(0.01, true)]
    public void Plan_SubjectOffByFivePixels_IsNoOpOnlyWithinTolerance(double tolerance, bool noOp)
    {
        var plan = Plan(new Size(500, 500), new Rectangle(55, 50, 400, 400), new Size(500, 500), TenPercent, ScalingProportions.Fit, tolerance);

        Assert.Equal(noOp, plan.NoOp);
    }

    [Fact]
    public void Plan_MarginsMatchButSizeDiffers_IsNotNoOp()
    {
        var plan = Plan(new Size(500, 500), new Rectangle(50, 50, 400, 400), new Size(250, 250), TenPercent, ScalingProportions.Fit, 0.1);

        Assert.False(plan.NoOp);
        Assert.Equal(new Rectangle(25, 25, 200, 200), plan.Subject);
    }

    [Fact]
    public void MarginsFromReference_ReturnsFractionsOfReferenceSize()
    {
        var margins = MarginGeometry.MarginsFromReference(
            new Size(300, 400), new SubjectBox(new Rectangle(30, 80, 180, 240), SubjectDetectionMethod.Alpha));

        Assert.Equal(0.2, margins.Top!.Value, 9);
        Assert.Equal(0.2, margins.Bottom!.Value, 9);
        Assert.Equal(0.1, margins.Left!.Value, 9);
        Assert.Equal(0.3, margins.Right!.Value, 9);
    }

    [Theory]
    [InlineData(500, 500, 100, 150, 150, 200)]
    [InlineData(800, 300, 600, 10, 75, 100)]
    [InlineData(90, 120, 0, 0, 90, 120)]
    public void Plan_WithReferenceMargins_ReproducesReferencePlacement(int sw, int sh, int bx, int by, int bw, int bh)
    {
        var referenceSubject = new Rectangle(30, 80, 180, 240);
        var margins = MarginGeometry.MarginsFromReference(new Size(300, 400), new SubjectBox(referenceSubject, SubjectDetectionMethod.Background));

        var plan = Plan(new Size(sw, sh), new Rectangle(bx, by, bw, bh), new Size(300, 400), margins, ScalingProportions.Fit);

        Assert.InRange(plan.Subject.Left, referenceSubject.Left - 1, referenceSubject.Left + 1);
        Assert.InRange(plan.Subject.Top, referenceSubject.Top - 1, referenceSubject.Top + 1);
        Assert.InRange(plan.Subject.Right, referenceSubject.Right - 1, referenceSubject.Right + 1);
        Assert.InRange(plan.Subject.Bottom, referenceSubject.Bottom - 1, referenceSubject.Bottom + 1);
    }

    [Theory]
    [InlineData(0.5, 0.5, 0, 0)]
    [InlineData(0, 0, 0.7, 0.3)]
    [InlineData(-0.1, 0, 0, 0)]
    [InlineData(1.1, 0, 0, 0)]
    public void Plan_InvalidMargins_Throw(double top, double bottom, double left, double right)
    {
        Assert.Throws<ArgumentException>(() =>
            Plan(new Size(10, 10), new Rectangle(0, 0, 5, 5), new Size(10, 10), new(top, bottom, left, right), ScalingProportions.Fit));
    }

    [Fact]
    public void Plan_SubjectOutsideSource_Throws()
    {
        Assert.Throws<ArgumentException>(() =>
            Plan(new Size(10, 10), new Rectangle(5, 5, 10, 10), new Size(10, 10), TenPercent, ScalingProportions.Fit));
    }
}
