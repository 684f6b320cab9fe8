using SixLabors.ImageSharp;

namespace TaskFunctions.Core.Images.Subject;

/// <summary>Pure geometry of a margin adjustment: how to scale and place a source so its subject gets the requested margins.</summary>
/// <remarks>
/// <para>
/// Margins are fractions of the <em>final</em> size (top/bottom of its height, left/right of its width) and are
/// minimums; a null margin is a minimum of 0. Opposite margins must sum to less than 1. Writing <c>s</c> for the
/// scale, <c>W×H</c> for the canvas and <c>w×h</c> for the subject, the vertical margins hold exactly at
/// <c>sV = H(1 − top − bottom) / h</c> and the horizontal ones at <c>sH = W(1 − left − right) / w</c>.
/// </para>
/// <list type="bullet">
/// <item><see cref="ScalingProportions.Height"/>: <c>s = sV</c>. Vertical margins are exact; if the subject is then
/// too wide for the horizontal margins it overflows them symmetrically and may be cropped.</item>
/// <item><see cref="ScalingProportions.Width"/>: <c>s = sH</c>, the same horizontally.</item>
/// <item><see cref="ScalingProportions.Fit"/>: <c>s = min(sV, sH)</c>, the largest scale keeping all four minimums;
/// the binding axis is exact.</item>
/// <item><see cref="ScalingProportions.Fill"/>: tries <c>min(sV, sH)</c>, then <c>max(sV, sH)</c>, and takes the first
/// whose placement covers the whole canvas with image pixels (no padding); if neither does, <c>min(sV, sH)</c>. So
/// it equals Fit whenever Fit needs no padding, and otherwise gives up the minimums of one axis (cropping the subject
/// there) to avoid padding. Its placement differs from the others: see below.</item>
/// </list>
/// <para>
/// <b>Placement.</b> Height, Width and Fit centre the subject between its minimum margins on each axis: the slack
/// <c>L(1 − mStart − mEnd) − subject</c> is split equally (negative slack is an equal overflow). Fill instead picks,
/// per axis, the offset with the least padding among those keeping that axis's minimum margins (any offset when the
/// subject is too large for them), breaking ties towards the centred position.
/// </para>
/// <para>
/// <b>Canvas.</b> With a target size the canvas is exactly that size. Without one it is the source size, unless an
/// aspect ratio is given: then nothing is resampled (<c>s = 1</c>) and the canvas is the size of that ratio whose
/// height (Height), width (Width) or both (Fit, the larger canvas) just hold the subject with its margins; Fill tries
/// the larger canvas and then the smaller.
/// </para>
/// <para>
/// <b>Tolerance.</b> The plan is a no-op when the source size matches (with a target size each side within
/// <c>Tolerance</c> relative to it, with an aspect ratio the aspect difference <c>|srcAspect / ratio − 1|</c> at
/// most <c>Tolerance</c>, without either always) and each of the subject's four current margins (as fractions of
/// the source) is within <c>Tolerance</c>, plus half a pixel of rounding, of the margin the plan would give it. All
/// four sides count, requested or not, because the plan places the subject on every side: a no-op is a source that
/// already looks like the plan's result. Tolerance 0 is pixel-perfect. A no-op keeps the source as it is. A plan
/// that changes nothing after rounding is a no-op too.
/// </para>
/// <para>Pixel positions are rounded half up from the exact values, so every edge is within half a pixel of them.</para>
/// </remarks>
public static class MarginGeometry
{
    private const double Epsilon = 1e-9;

    /// <summary>Plans the adjustment of a <paramref name="source"/>-sized image whose subject is <paramref name="subject"/>.</summary>
    /// <param name="source">Size of the source image.</param>
    /// <param name="subject">Subject bounding box in source pixels; must be non-empty and inside the source.</param>
    /// <param name="targetSize">Final size; null to use <paramref name="aspectRatio"/> or else the source size.</param>
    /// <param name="aspectRatio">Final width/height, used only without <paramref name="targetSize"/>.</param>
    /// <param name="margins">Minimum margins as fractions of the final size; null sides are unconstrained.</param>
    /// <param name="proportions">How to scale (see the remarks).</param>
    /// <param name="tolerance">0-1; see the remarks.</param>
    /// <exception cref="ArgumentException">An argument is out of range or inconsistent.</exception>
    /// <exception cref="InvalidImageException">The result would not fit in 32-bit pixel dimensions.</exception>
    public static MarginPlan Plan(
        Size source, Rectangle subject, Size? targetSize, double? aspectRatio, MarginSet margins, ScalingProportions proportions, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(margins);
        Validate(source, subject, targetSize, aspectRatio, margins, proportions, tolerance);
        double top = margins.Top ?? 0, bottom = margins.Bottom ?? 0, left = margins.Left ?? 0, right = margins.Right ?? 0;
        var axes = new Axes(source, subject, top, bottom, left, right);
        bool cover = proportions == ScalingProportions.Fill;

        Placement? chosen = null;
        var candidates = Candidates(axes, targetSize ?? (aspectRatio is null ? source : null), aspectRatio, proportions);
        foreach (var candidate in candidates)
        {
            var placement = Place(axes, candidate, cover);
            if (!cover || placement.Covers())
            {
                chosen = placement;
                break;
            }
        }

        var plan = chosen ?? Place(axes, candidates[0], cover);
        if (SizeMatches(source, targetSize, aspectRatio, tolerance) && MarginsMatch(axes, plan, tolerance))
        {
            return Identity(source, subject, proportions);
        }

        var result = ToPixels(source, subject, plan, proportions);
        return result.Canvas == source && result.ScaledSize == source && result.Offset == Point.Empty
            ? Identity(source, subject, proportions)
            : result;
    }

    /// <summary>The subject margins of a reference image as fractions of its size, to be requested for another image.</summary>
    public static MarginSet MarginsFromReference(Size referenceSize, SubjectBox referenceSubject)
    {
        ArgumentNullException.ThrowIfNull(referenceSubject);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(referenceSize.Width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(referenceSize.Height);
        var b = referenceSubject.Bounds;
        if (b.Width <= 0 || b.Height <= 0 || !new Rectangle(Point.Empty, referenceSize).Contains(b))
        {
            throw new ArgumentException("The subject must be a non-empty box inside the reference.", nameof(referenceSubject));
        }

        return Fractions(referenceSize, b);
    }

    private static void Validate(
        Size source, Rectangle subject, Size? targetSize, double? aspectRatio, MarginSet margins, ScalingProportions proportions, double tolerance)
    {
        if (source.Width <= 0 || source.Height <= 0)
        {
            throw new ArgumentException("The source size must be positive.", nameof(source));
        }

        if (subject.Width <= 0 || subject.Height <= 0 || !new Rectangle(Point.Empty, source).Contains(subject))
        {
            throw new ArgumentException("The subject must be a non-empty box inside the source.", nameof(subject));
        }

        if (targetSize is { } t && (t.Width <= 0 || t.Height <= 0))
        {
            throw new ArgumentException("The target size must be positive.", nameof(targetSize));
        }

        if (aspectRatio is { } a && (!double.IsFinite(a) || a <= 0))
        {
            throw new ArgumentException("The aspect ratio must be positive and finite.", nameof(aspectRatio));
        }

        foreach (var m in new[] { margins.Top, margins.Bottom, margins.Left, margins.Right })
        {
            if (m is { } v && !(v >= 0 && v <= 1))
            {
                throw new ArgumentException("Margins must be between 0 and 1.", nameof(margins));
            }
        }

        if ((margins.Top ?? 0) + (margins.Bottom ?? 0) >= 1 || (margins.Left ?? 0) + (margins.Right ?? 0) >= 1)
        {
            throw new ArgumentException("Opposite margins must sum to less than 1.", nameof(margins));
        }

        if (!Enum.IsDefined(proportions))
        {
            throw new ArgumentException($"Unknown scaling proportions {proportions}.", nameof(proportions));
        }

        if (!(tolerance >= 0 && tolerance <= 1))
        {
            throw new ArgumentException("Tolerance must be between 0 and 1.", nameof(tolerance));
        }
    }

    private static List<Candidate> Candidates(Axes axes, Size? canvas, double? aspectRatio, ScalingProportions proportions)
    {
        Candidate heightExact, widthExact;
        if (canvas is { } c)
        {
            heightExact = new(c.Height * axes.FreeY / axes.SubjectHeight, c.Width, c.Height);
            widthExact = new(c.Width * axes.FreeX / axes.SubjectWidth, c.Width, c.Height);
        }
        else
        {
            double ratio = aspectRatio!.Value;
            double heightByHeight = axes.SubjectHeight / axes.FreeY, widthByWidth = axes.SubjectWidth / axes.FreeX;
            heightExact = new(1, Dimension(heightByHeight * ratio), Dimension(heightByHeight));
            widthExact = new(1, Dimension(widthByWidth), Dimension(widthByWidth / ratio));
        }

        // At scale 1 the smaller scale of the fixed-canvas case is the larger canvas; order both "Fit first".
        bool heightBinds = canvas is not null
            ? heightExact.Scale <= widthExact.Scale
            : (long)heightExact.Height >= widthExact.Height;
        var (fit, other) = heightBinds ? (heightExact, widthExact) : (widthExact, heightExact);
        return proportions switch
        {
            ScalingProportions.Height => [heightExact],
            ScalingProportions.Width => [widthExact],
            ScalingProportions.Fit => [fit],
            _ => [fit, other],
        };
    }

    private static Placement Place(Axes axes, Candidate c, bool cover)
    {
        double x = PlaceAxis(c.Width, c.Scale, axes.Source.Width, axes.Subject.X, axes.Subject.Width, axes.Left, axes.Right, cover);
        double y = PlaceAxis(c.Height, c.Scale, axes.Source.Height, axes.Subject.Y, axes.Subject.Height, axes.Top, axes.Bottom, cover);
        return new(c, x, y, c.Scale * axes.Source.Width, c.Scale * axes.Source.Height);
    }

    /// <summary>Canvas position of the scaled source's start on one axis.</summary>
    private static double PlaceAxis(int canvas, double scale, int sourceLength, int subjectStart, int subjectLength, double marginStart, double marginEnd, bool cover)
    {
        double room = canvas * (1 - marginStart - marginEnd) - scale * subjectLength;
        if (Math.Abs(room) <= Epsilon * canvas)
        {
            room = 0;
        }

        double lowest = canvas * marginStart - scale * subjectStart;
        double centred = lowest + room / 2;
        if (!cover)
        {
            return centred;
        }

        // Offsets with the least padding: the scaled source spans the canvas, or lies wholly inside it.
        double scaled = scale * sourceLength;
        double coverLow = Math.Min(0, canvas - scaled), coverHigh = Math.Max(0, canvas - scaled);
        if (room < 0)
        {
            return Math.Clamp(centred, coverLow, coverHigh);
        }

        double highest = lowest + room;
        double low = Math.Max(lowest, coverLow), high = Math.Min(highest, coverHigh);
        if (low <= high)
        {
            return Math.Clamp(centred, low, high);
        }

        // Padding grows linearly away from the cover interval, so the margin bound nearest to it pads least.
        return highest < coverLow ? highest : lowest;
    }

    private static bool SizeMatches(Size source, Size? targetSize, double? aspectRatio, double tolerance)
    {
        if (targetSize is { } t)
        {
            return Math.Abs(source.Width - (double)t.Width) / t.Width <= tolerance + Epsilon
                && Math.Abs(source.Height - (double)t.Height) / t.Height <= tolerance + Epsilon;
        }

        return aspectRatio is not { } a || Math.Abs((double)source.Width / source.Height / a - 1) <= tolerance + Epsilon;
    }

    private static bool MarginsMatch(Axes axes, Placement p, double tolerance)
    {
        var current = Fractions(axes.Source, axes.Subject);
        double w = p.Candidate.Width, h = p.Candidate.Height, scale = p.Candidate.Scale;
        double subjectLeft = p.X + scale * axes.Subject.X, subjectTop = p.Y + scale * axes.Subject.Y;
        return Near(current.Top!.Value, subjectTop / h, h)
            && Near(current.Bottom!.Value, (h - subjectTop - scale * axes.Subject.Height) / h, h)
            && Near(current.Left!.Value, subjectLeft / w, w)
            && Near(current.Right!.Value, (w - subjectLeft - scale * axes.Subject.Width) / w, w);

        bool Near(double now, double planned, double side) => Math.Abs(now - planned) <= tolerance + 0.5 / side + Epsilon;
    }

    private static MarginPlan ToPixels(Size source, Rectangle subject, Placement p, ScalingProportions proportions)
    {
        var canvas = new Size(p.Candidate.Width, p.Candidate.Height);
        double scale = p.Candidate.Scale;

        // Rounding edges (not offset and size separately) keeps a source that reaches a canvas edge reaching it.
        int x0 = Round(p.X), y0 = Round(p.Y);
        int scaledWidth = Math.Max(1, Round(p.X + p.ScaledWidth) - x0), scaledHeight = Math.Max(1, Round(p.Y + p.ScaledHeight) - y0);
        var placed = new Rectangle(x0, y0, scaledWidth, scaledHeight);
        var dest = Rectangle.Intersect(placed, new Rectangle(Point.Empty, canvas));
        var sourceRect = Rectangle.Empty;
        if (dest.Width > 0 && dest.Height > 0)
        {
            double rx = (double)scaledWidth / source.Width, ry = (double)scaledHeight / source.Height;
            int sx0 = Math.Clamp((int)Math.Floor((dest.Left - x0) / rx + Epsilon), 0, source.Width - 1);
            int sy0 = Math.Clamp((int)Math.Floor((dest.Top - y0) / ry + Epsilon), 0, source.Height - 1);
            int sx1 = Math.Clamp((int)Math.Ceiling((dest.Right - x0) / rx - Epsilon), sx0 + 1, source.Width);
            int sy1 = Math.Clamp((int)Math.Ceiling((dest.Bottom - y0) / ry - Epsilon), sy0 + 1, source.Height);
            sourceRect = Rectangle.FromLTRB(sx0, sy0, sx1, sy1);
        }
        else
        {
            dest = Rectangle.Empty;
        }

        var subjectOnCanvas = Rectangle.FromLTRB(
            Round(p.X + scale * subject.Left), Round(p.Y + scale * subject.Top),
            Round(p.X + scale * subject.Right), Round(p.Y + scale * subject.Bottom));
        return new MarginPlan(
            scaledWidth == source.Width && scaledHeight == source.Height ? 1 : scale,
            sourceRect, dest, canvas, false, source, new Size(scaledWidth, scaledHeight), new Point(x0, y0),
            subjectOnCanvas, Fractions(canvas, subjectOnCanvas), proportions);
    }

    private static MarginPlan Identity(Size source, Rectangle subject, ScalingProportions proportions)
    {
        var whole = new Rectangle(Point.Empty, source);
        return new MarginPlan(1, whole, whole, source, true, source, source, Point.Empty, subject, Fractions(source, subject), proportions);
    }

    private static MarginSet Fractions(Size size, Rectangle box) => new(
        (double)box.Top / size.Height,
        (double)(size.Height - box.Bottom) / size.Height,
        (double)box.Left / size.Width,
        (double)(size.Width - box.Right) / size.Width);

    private static int Round(double value)
    {
        double rounded = Math.Floor(value + 0.5);
        if (!(rounded >= int.MinValue && rounded <= int.MaxValue))
        {
            throw new InvalidImageException($"the requested margins would place a pixel at {value:0}, which is out of range");
        }

        return (int)rounded;
    }

    private static int Dimension(double value)
    {
        double rounded = Math.Round(value, MidpointRounding.AwayFromZero);
        if (!(rounded <= int.MaxValue))
        {
            throw new InvalidImageException($"the requested margins would make a side of {value:0} pixels, which is too large");
        }

        return Math.Max(1, (int)rounded);
    }

    private readonly record struct Candidate(double Scale, int Width, int Height);

    private readonly record struct Placement(Candidate Candidate, double X, double Y, double ScaledWidth, double ScaledHeight)
    {
        public bool Covers() =>
            X < 0.5 && Y < 0.5 && X + ScaledWidth >= Candidate.Width - 0.5 && Y + ScaledHeight >= Candidate.Height - 0.5;
    }

    private readonly record struct Axes(Size Source, Rectangle Subject, double Top, double Bottom, double Left, double Right)
    {
        public double FreeX => 1 - Left - Right;

        public double FreeY => 1 - Top - Bottom;

        public double SubjectWidth => Subject.Width;

        public double SubjectHeight => Subject.Height;
    }
}
