namespace TaskFunctions.Core.Images;

/// <summary>Pure geometry of an image adjustment: which operation, which pixels, which sizes.</summary>
/// <remarks>
/// <para>
/// Aspect difference is <c>|(srcWidth / srcHeight) / targetAspect − 1|</c>, where the target aspect is
/// <c>TargetWidth / TargetHeight</c> or <see cref="AdjustRequest.AspectRatio"/>. <see cref="ResizeMode.Auto"/> pads
/// when it is above 0.05 and crops when it is 0.05 or less (so 105×100 against a square target crops, 106×100 pads).
/// </para>
/// <para>
/// With a target size the output is exactly that size: crop cover-scales and crops, pad contain-scales and
/// centres on the canvas, scale stretches. With only an aspect ratio nothing is resampled by crop (largest
/// rectangle of that ratio inside the source) or pad (smallest canvas of that ratio containing the source);
/// scale keeps the height and rescales the width to match the ratio.
/// </para>
/// <para>
/// The plan is a no-op when the source is within tolerance: with a target size, width and height each differ by at
/// most <c>Tolerance</c> relative to the target; with an aspect ratio, the aspect difference is at most
/// <c>Tolerance</c>. Tolerance 0 therefore means only an exact match is left alone; a no-op keeps the source size.
/// A plan whose rectangles all equal the source (rounding made the change vanish) is a no-op too.
/// </para>
/// </remarks>
public static class AdjustGeometry
{
    /// <summary>Aspect difference above which <see cref="ResizeMode.Auto"/> pads instead of cropping.</summary>
    public const double AutoPadThreshold = 0.05;

    // Absorbs float noise such as 1.05 / 1.0 - 1 = 0.050000000000000044 so documented boundaries hold exactly.
    private const double Epsilon = 1e-9;

    /// <summary>Plans the adjustment of a <paramref name="srcWidth"/>×<paramref name="srcHeight"/> image.</summary>
    /// <exception cref="ArgumentException">The request names neither a full target size nor a positive aspect ratio.</exception>
    /// <exception cref="InvalidImageException">The result would not fit in 32-bit pixel dimensions.</exception>
    public static AdjustPlan Plan(int srcWidth, int srcHeight, AdjustRequest req)
    {
        ArgumentNullException.ThrowIfNull(req);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(srcWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(srcHeight);
        if (!(req.Tolerance >= 0 && req.Tolerance <= 1))
        {
            throw new ArgumentException("Tolerance must be between 0 and 1.", nameof(req));
        }

        bool hasSize = req.TargetWidth is not null || req.TargetHeight is not null;
        int tw = 0, th = 0;
        double targetAspect;
        if (hasSize)
        {
            if (req.TargetWidth is not > 0 || req.TargetHeight is not > 0)
            {
                throw new ArgumentException("TargetWidth and TargetHeight must both be set and positive.", nameof(req));
            }

            tw = req.TargetWidth.Value;
            th = req.TargetHeight.Value;
            targetAspect = (double)tw / th;
        }
        else
        {
            if (req.AspectRatio is not { } ar || !double.IsFinite(ar) || ar <= 0)
            {
                throw new ArgumentException("Either a target size or a positive, finite AspectRatio is required.", nameof(req));
            }

            targetAspect = ar;
        }

        double aspectDifference = Math.Abs((double)srcWidth / srcHeight / targetAspect - 1);
        ResizeMode op = req.Mode switch
        {
            ResizeMode.Auto => aspectDifference > AutoPadThreshold + Epsilon ? ResizeMode.Pad : ResizeMode.Crop,
            ResizeMode.Crop or ResizeMode.Pad or ResizeMode.Scale => req.Mode,
            _ => throw new ArgumentException($"Unknown mode {req.Mode}.", nameof(req)),
        };

        bool withinTolerance = hasSize
            ? RelativeDifference(srcWidth, tw) <= req.Tolerance + Epsilon && RelativeDifference(srcHeight, th) <= req.Tolerance + Epsilon
            : aspectDifference <= req.Tolerance + Epsilon;
        if (withinTolerance)
        {
            return Identity(op, aspectDifference, srcWidth, srcHeight);
        }

        var plan = (op, hasSize) switch
        {
            (ResizeMode.Crop, true) => CropToSize(srcWidth, srcHeight, tw, th, req.CroppingPosition),
            (ResizeMode.Crop, false) => CropToAspect(srcWidth, srcHeight, targetAspect, req.CroppingPosition),
            (ResizeMode.Pad, true) => PadToSize(srcWidth, srcHeight, tw, th),
            (ResizeMode.Pad, false) => PadToAspect(srcWidth, srcHeight, targetAspect),
            (ResizeMode.Scale, true) => Stretch(srcWidth, srcHeight, tw, th),
            _ => Stretch(srcWidth, srcHeight, Dimension(srcHeight * targetAspect), srcHeight),
        };

        plan = plan with { Operation = op, AspectDifference = aspectDifference };
        return plan is { Crops: false, Resamples: false, Pads: false } ? plan with { NoOp = true } : plan;
    }

    private static double RelativeDifference(int actual, int target) => Math.Abs(actual - (double)target) / target;

    private static AdjustPlan Identity(ResizeMode op, double aspectDifference, int sw, int sh) =>
        new(op, true, aspectDifference, sw, sh, 0, 0, sw, sh, sw, sh, sw, sh, 0, 0);

    private static AdjustPlan CropToSize(int sw, int sh, int tw, int th, CroppingPosition position)
    {
        // Cropping first and resampling the crop equals cover-scaling then cropping, with far less memory.
        var (cw, ch) = LargestInside(sw, sh, (double)tw / th);
        var (x, y) = Place(sw - cw, sh - ch, position);
        return new(ResizeMode.Crop, false, 0, sw, sh, x, y, cw, ch, tw, th, tw, th, 0, 0);
    }

    private static AdjustPlan CropToAspect(int sw, int sh, double aspect, CroppingPosition position)
    {
        var (cw, ch) = LargestInside(sw, sh, aspect);
        var (x, y) = Place(sw - cw, sh - ch, position);
        return new(ResizeMode.Crop, false, 0, sw, sh, x, y, cw, ch, cw, ch, cw, ch, 0, 0);
    }

    private static AdjustPlan PadToSize(int sw, int sh, int tw, int th)
    {
        int scaledWidth, scaledHeight;
        if ((long)sw * th >= (long)sh * tw)
        {
            scaledWidth = tw;
            scaledHeight = Math.Min(th, Dimension((double)sh * tw / sw));
        }
        else
        {
            scaledHeight = th;
            scaledWidth = Math.Min(tw, Dimension((double)sw * th / sh));
        }

        return new(ResizeMode.Pad, false, 0, sw, sh, 0, 0, sw, sh, scaledWidth, scaledHeight, tw, th,
            (tw - scaledWidth) / 2, (th - scaledHeight) / 2);
    }

    private static AdjustPlan PadToAspect(int sw, int sh, double aspect)
    {
        int canvasWidth = sw, canvasHeight = Dimension(sw / aspect);
        if (canvasHeight < sh)
        {
            canvasHeight = sh;
            canvasWidth = Math.Max(sw, Dimension(sh * aspect));
        }

        return new(ResizeMode.Pad, false, 0, sw, sh, 0, 0, sw, sh, sw, sh, canvasWidth, canvasHeight,
            (canvasWidth - sw) / 2, (canvasHeight - sh) / 2);
    }

    private static AdjustPlan Stretch(int sw, int sh, int width, int height) =>
        new(ResizeMode.Scale, false, 0, sw, sh, 0, 0, sw, sh, width, height, width, height, 0, 0);

    // Deciding by the rounded width (not by comparing ratios) keeps a source already at the ratio uncropped.
    private static (int Width, int Height) LargestInside(int sw, int sh, double aspect)
    {
        double width = Math.Round(sh * aspect, MidpointRounding.AwayFromZero);
        return width <= sw
            ? (Math.Max(1, (int)width), sh)
            : (sw, Math.Clamp(Dimension(sw / aspect), 1, sh));
    }

    private static (int X, int Y) Place(int slackX, int slackY, CroppingPosition position)
    {
        var (h, v) = position switch
        {
            CroppingPosition.Top => (1, 0),
            CroppingPosition.Bottom => (1, 2),
            CroppingPosition.Left => (0, 1),
            CroppingPosition.Right => (2, 1),
            CroppingPosition.TopLeft => (0, 0),
            CroppingPosition.TopRight => (2, 0),
            CroppingPosition.BottomLeft => (0, 2),
            CroppingPosition.BottomRight => (2, 2),
            _ => (1, 1),
        };
        return (slackX * h / 2, slackY * v / 2);
    }

    private static int Dimension(double value)
    {
        double rounded = Math.Round(value, MidpointRounding.AwayFromZero);
        if (!(rounded <= int.MaxValue))
        {
            throw new InvalidImageException($"the requested adjustment would make a side of {value:0} pixels, which is too large");
        }

        return Math.Max(1, (int)rounded);
    }
}
