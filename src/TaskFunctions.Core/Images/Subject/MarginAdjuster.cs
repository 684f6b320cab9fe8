using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Transforms;

namespace TaskFunctions.Core.Images.Subject;

/// <summary>The LOCAL margin adjuster: detects the subject, plans per <see cref="MarginGeometry"/>, scales and pads/crops, writes PNG.</summary>
/// <remarks>
/// Same output rules as <see cref="ImageAdjuster"/>: padding is transparent when the source is a PNG or a WebP with
/// transparency and opaque white otherwise; output is 8-bit PNG (RGBA or RGB accordingly); JPEG EXIF orientation is
/// applied before detection, so sizes and margins refer to the image as displayed. When the input has no detectable
/// subject (a uniform image), the whole image is treated as the subject and the result's subject is null.
/// </remarks>
public sealed class MarginAdjuster
{
    /// <summary>Content type of what this class writes unless KeepInputFormat is set.</summary>
    public const string OutputContentType = "image/png";

    private readonly ImageDecodeOptions options;
    private readonly SubjectDetectionOptions detection;

    public MarginAdjuster(ImageDecodeOptions options, SubjectDetectionOptions? detection = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.detection = detection ?? new SubjectDetectionOptions();
    }

    /// <summary>Decodes a reference image and returns its subject margins as fractions of its size, and its size.</summary>
    /// <exception cref="InvalidImageException">The reference is not an acceptable image or has no detectable subject.</exception>
    public async Task<(MarginSet Margins, Size Size)> MarginsFromReferenceAsync(Stream reference, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reference);
        using var image = await SafeImageDecoder.DecodeAsync(reference, options, ct);
        image.Mutate(x => x.AutoOrient());
        var subject = SubjectDetector.Detect(image, detection)
            ?? throw new InvalidImageException("no subject could be detected (the image is uniform)");
        return (MarginGeometry.MarginsFromReference(image.Size(), subject), image.Size());
    }

    /// <summary>Adjusts the image read from <paramref name="input"/> to the requested margins and writes it as PNG to <paramref name="output"/>.</summary>
    /// <exception cref="InvalidImageException">The input or reference is not acceptable (for the reference, <see cref="InvalidImageException.Role"/> is <see cref="ImageInputRole.Reference"/>), or the result would be too large.</exception>
    /// <exception cref="ArgumentException">The request is inconsistent (half a target size, bad margins, unknown resampling name).</exception>
    public async Task<MarginAdjustResult> AdjustAsync(Stream input, MarginRequest request, Stream output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        if (!ResamplerNames.TryGet(request.Resampling, out var resampler))
        {
            throw new ArgumentException($"Unknown resampling '{request.Resampling}'.", nameof(request));
        }

        if ((request.TargetWidth is null) != (request.TargetHeight is null))
        {
            throw new ArgumentException("TargetWidth and TargetHeight must be given together.", nameof(request));
        }

        Size? target = request.TargetWidth is { } tw && request.TargetHeight is { } th ? new Size(tw, th) : null;
        var margins = request.Margins ?? MarginSet.None;
        double? aspectRatio = request.AspectRatio;
        if (request.ReferenceImage is { } referenceStream)
        {
            (MarginSet Margins, Size Size) reference;
            try
            {
                reference = await MarginsFromReferenceAsync(referenceStream, ct);
            }
            catch (InvalidImageException ex)
            {
                throw InvalidImageException.ForReference(ex);
            }

            margins = margins.Or(reference.Margins);
            if (target is null && aspectRatio is null)
            {
                aspectRatio = (double)reference.Size.Width / reference.Size.Height;
            }
        }

        var (image, format) = await SafeImageDecoder.DecodeWithFormatAsync(input, options, ct);
        using (image)
        {
            image.Mutate(x => x.AutoOrient());
            var subject = SubjectDetector.Detect(image, detection);
            var box = subject?.Bounds ?? new Rectangle(0, 0, image.Width, image.Height);
            var plan = MarginGeometry.Plan(image.Size(), box, target, aspectRatio, margins, request.ScalingProportions, request.Tolerance);
            AdjustedImageOutput.EnsureWithinPixelLimit(plan.Canvas.Width, plan.Canvas.Height, options.MaxPixels);
            bool keepAlpha = AdjustedImageOutput.KeepsAlpha(format, image);
            ct.ThrowIfCancellationRequested();
            if (!plan.NoOp)
            {
                Apply(image, plan, resampler, AdjustedImageOutput.PadColor(keepAlpha));
            }

            var contentType = await AdjustedImageOutput.WriteAsync(image, format, keepAlpha, options.KeepInputFormat, output, ct);
            return new MarginAdjustResult(image.Width, image.Height, contentType, plan, subject, margins);
        }
    }

    private static void Apply(Image<Rgba32> image, MarginPlan plan, IResampler resampler, Color padColor)
    {
        if (plan.DestRect.Width <= 0 || plan.DestRect.Height <= 0)
        {
            // The subject's centre always lies on the canvas, so some source pixels always do.
            throw new InvalidOperationException("The plan places no source pixel on the canvas.");
        }

        // Only the visible source pixels plus the resampling kernel's reach are resized, so a large upscale of a
        // small subject never allocates the whole scaled source.
        var whole = new Rectangle(Point.Empty, plan.Source);
        double rx = (double)plan.ScaledSize.Width / plan.Source.Width, ry = (double)plan.ScaledSize.Height / plan.Source.Height;
        var crop = plan.SourceRect;
        if (plan.Resamples)
        {
            int reach = (int)Math.Ceiling(resampler.Radius / Math.Min(1, Math.Min(rx, ry))) + 1;
            crop = Rectangle.Intersect(Rectangle.Inflate(crop, reach, reach), whole);
        }

        int left = plan.Offset.X + Round(crop.Left * rx), right = plan.Offset.X + Round(crop.Right * rx);
        int top = plan.Offset.Y + Round(crop.Top * ry), bottom = plan.Offset.Y + Round(crop.Bottom * ry);
        var target = Rectangle.FromLTRB(left, top, Math.Max(right, left + 1), Math.Max(bottom, top + 1));
        image.Mutate(x =>
        {
            if (crop != whole)
            {
                x.Crop(crop);
            }

            // Manual resizing scales into the target rectangle and clips it to the canvas in one pass; without a
            // size change nearest neighbour copies pixels exactly where smoothing kernels would blur.
            x.Resize(new ResizeOptions
            {
                Mode = SixLabors.ImageSharp.Processing.ResizeMode.Manual,
                Size = plan.Canvas,
                TargetRectangle = target,
                Sampler = plan.Resamples ? resampler : KnownResamplers.NearestNeighbor,
            });

            // Manual mode leaves uncovered canvas cleared (transparent), so only an opaque fill needs painting.
            if (plan.Pads && padColor != Color.Transparent)
            {
                foreach (var border in Borders(plan))
                {
                    x.BackgroundColor(padColor, border);
                }
            }
        });
    }

    private static IEnumerable<Rectangle> Borders(MarginPlan plan)
    {
        var d = plan.DestRect;
        Rectangle[] bands =
        [
            new(0, 0, plan.Canvas.Width, d.Top),
            new(0, d.Bottom, plan.Canvas.Width, plan.Canvas.Height - d.Bottom),
            new(0, d.Top, d.Left, d.Height),
            new(d.Right, d.Top, plan.Canvas.Width - d.Right, d.Height),
        ];
        return bands.Where(b => b.Width > 0 && b.Height > 0);
    }

    private static int Round(double value) => (int)Math.Floor(value + 0.5);
}
