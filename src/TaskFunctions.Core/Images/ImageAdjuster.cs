using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Transforms;

namespace TaskFunctions.Core.Images;

/// <summary>The LOCAL image adjuster: decodes safely, crops/pads/scales per <see cref="AdjustGeometry"/>, writes PNG.</summary>
/// <remarks>
/// Padding is transparent when the source is a PNG or contains any non-opaque pixel (e.g. a WebP with alpha), and
/// opaque white otherwise (JPEG, opaque WebP). Output is always 8-bit PNG: RGBA in the first case, RGB in the second.
/// JPEG EXIF orientation is applied before planning, so sizes refer to the image as displayed.
/// </remarks>
public sealed class ImageAdjuster
{
    /// <summary>Content type of what this class writes unless KeepInputFormat is set.</summary>
    public const string OutputContentType = "image/png";

    private readonly ImageDecodeOptions options;

    public ImageAdjuster(ImageDecodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
    }

    /// <summary>Adjusts the image read from <paramref name="input"/> and writes it as PNG to <paramref name="output"/>.</summary>
    /// <exception cref="InvalidImageException">The input is not an acceptable image, or the result would be too large.</exception>
    /// <exception cref="ArgumentException">The request is inconsistent (no target, unknown resampling name).</exception>
    public async Task<AdjustResult> AdjustAsync(Stream input, AdjustRequest req, Stream output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(req);
        ArgumentNullException.ThrowIfNull(output);
        if (!ResamplerNames.TryGet(req.Resampling, out var resampler))
        {
            throw new ArgumentException($"Unknown resampling '{req.Resampling}'.", nameof(req));
        }

        var (image, format) = await SafeImageDecoder.DecodeWithFormatAsync(input, options, ct);
        using (image)
        {
            image.Mutate(x => x.AutoOrient());
            var plan = AdjustGeometry.Plan(image.Width, image.Height, req);
            AdjustedImageOutput.EnsureWithinPixelLimit(plan.CanvasWidth, plan.CanvasHeight, options.MaxPixels);
            bool keepAlpha = AdjustedImageOutput.KeepsAlpha(format, image);
            ct.ThrowIfCancellationRequested();
            if (!plan.NoOp)
            {
                Apply(image, plan, resampler, AdjustedImageOutput.PadColor(keepAlpha));
            }

            var contentType = await AdjustedImageOutput.WriteAsync(image, format, keepAlpha, options.KeepInputFormat, output, ct);
            return new AdjustResult(image.Width, image.Height, contentType, plan);
        }
    }

    private static void Apply(Image<Rgba32> image, AdjustPlan plan, IResampler resampler, Color padColor) =>
        image.Mutate(x =>
        {
            if (plan.Crops)
            {
                x.Crop(new Rectangle(plan.CropX, plan.CropY, plan.CropWidth, plan.CropHeight));
            }

            if (plan.Resamples || plan.Pads)
            {
                // Resizing into a target rectangle scales and pads in one pass, allocating only the canvas.
                // Without a size change, nearest neighbour copies pixels exactly where smoothing kernels would blur.
                x.Resize(new ResizeOptions
                {
                    Mode = SixLabors.ImageSharp.Processing.ResizeMode.Manual,
                    Size = new Size(plan.CanvasWidth, plan.CanvasHeight),
                    TargetRectangle = new Rectangle(plan.OffsetX, plan.OffsetY, plan.ScaledWidth, plan.ScaledHeight),
                    Sampler = plan.Resamples ? resampler : KnownResamplers.NearestNeighbor,
                });
            }

            // Manual mode ignores PadColor and leaves the new canvas cleared (transparent), so only an opaque fill
            // needs painting, and only on the borders.
            if (plan.Pads && padColor != Color.Transparent)
            {
                foreach (var border in Borders(plan))
                {
                    x.BackgroundColor(padColor, border);
                }
            }
        });

    private static IEnumerable<Rectangle> Borders(AdjustPlan plan)
    {
        int right = plan.OffsetX + plan.ScaledWidth, bottom = plan.OffsetY + plan.ScaledHeight;
        Rectangle[] bands =
        [
            new(0, 0, plan.CanvasWidth, plan.OffsetY),
            new(0, bottom, plan.CanvasWidth, plan.CanvasHeight - bottom),
            new(0, plan.OffsetY, plan.OffsetX, plan.ScaledHeight),
            new(right, plan.OffsetY, plan.CanvasWidth - right, plan.ScaledHeight),
        ];
        return bands.Where(b => b.Width > 0 && b.Height > 0);
    }
}
