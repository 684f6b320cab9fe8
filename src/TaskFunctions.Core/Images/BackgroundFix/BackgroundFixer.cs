using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Images.BackgroundFix;

/// <summary>The LOCAL background fix: recolours the background of a person photo towards a palette image's colour.</summary>
/// <remarks>
/// <para>Steps: decode both images safely (base image EXIF-oriented); take the person mask from the
/// <see cref="IPersonMaskSource"/>; take the palette's dominant colour (per-channel CIELAB median of its opaque pixels);
/// dilate the mask by round(<see cref="BackgroundFixRequest.MaskExpansionPercentage"/> × longer side) pixels (square
/// structuring element) and Gaussian-blur it with <see cref="BackgroundFixRequest.EdgeBlurSigma"/>; then shift every
/// background pixel by weight = strength(luma) × (1 − mask).</para>
/// <para>The blurred mask is combined with the unexpanded one by maximum, so pixels the source marks as person are
/// never changed; the soft transition lies entirely in the background, starting at the expanded outline.</para>
/// <para>strength(luma) is 0 at or below <see cref="BackgroundFixRequest.ShadowThreshold"/>, 1 at or above
/// <see cref="BackgroundFixRequest.LightThreshold"/> and linear in between, with luma the Rec. 601 weighting of the
/// pixel's 8-bit RGB: dark background (shadows, deep texture) keeps its colour, bright backdrop takes the palette's.</para>
/// <para><see cref="BackgroundFixStrategy.HSV_SHIFT"/> rotates hue along the shorter way round and moves saturation
/// towards the target's by the weight, keeping the pixel's value (HSV brightness), so shading and texture survive;
/// a grey pixel, which has no hue, takes the target's hue directly. <see cref="BackgroundFixStrategy.LAB_TRANSFER"/>
/// moves a* and b* towards the target's by the weight, keeping L*: perceptual lightness is preserved, and a colour
/// that leaves the sRGB gamut (a saturated target on a near-white backdrop) loses chroma at constant L* and hue until it
/// fits, so very light backgrounds turn pastel rather than changing brightness.</para>
/// <para>Alpha is written back unchanged, and the RGB of background pixels is recoloured whatever their alpha, fully
/// transparent ones included (the PNG keeps their colour): a caller that flattens or re-uses the alpha gets a consistent
/// background. Output is always 8-bit RGBA PNG.</para>
/// <para>Memory: the decoded images plus two float planes of width × height (mask and expanded mask).
/// Time: linear in pixels for the dilation, pixels × ⌈6σ⌉ for the blur.</para>
/// </remarks>
public sealed class BackgroundFixer
{
    /// <summary>Content type of every image this class writes.</summary>
    public const string OutputContentType = "image/png";

    private readonly ImageDecodeOptions options;
    private readonly IPersonMaskSource maskSource;

    public BackgroundFixer(ImageDecodeOptions options)
        : this(options, new AlphaPersonMaskSource())
    {
    }

    public BackgroundFixer(ImageDecodeOptions options, IPersonMaskSource maskSource)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(maskSource);
        this.options = options;
        this.maskSource = maskSource;
    }

    /// <summary>Recolours the background of <paramref name="baseImage"/> and writes the result as PNG to <paramref name="output"/>.</summary>
    /// <exception cref="InvalidImageException">An input is not an acceptable image, or the palette has no opaque pixel.</exception>
    /// <exception cref="ArgumentException">The request is out of range (see <see cref="BackgroundFixRequest.From"/>).</exception>
    /// <exception cref="PersonMaskUnavailableException">The mask source cannot separate the person (an opaque photo for the alpha source).</exception>
    public Task<BackgroundFixResult> FixAsync(
        Stream baseImage, Stream paletteImage, BackgroundFixRequest request, Stream output, CancellationToken ct) =>
        FixAsync(baseImage, paletteImage, request, output, null, ct);

    /// <summary>As above, with the person mask taken from <paramref name="personMask"/> (the fixer's own source when null).</summary>
    public async Task<BackgroundFixResult> FixAsync(
        Stream baseImage, Stream paletteImage, BackgroundFixRequest request, Stream output, IPersonMaskSource? personMask, CancellationToken ct)
    {
        var maskSource = personMask ?? this.maskSource;
        ArgumentNullException.ThrowIfNull(baseImage);
        ArgumentNullException.ThrowIfNull(paletteImage);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        request.ThrowIfInvalid();

        Rgba32 target;
        using (var palette = await SafeImageDecoder.DecodeAsync(paletteImage, options, ct))
        {
            target = PaletteColor.Dominant(palette, ct);
        }

        using var image = await SafeImageDecoder.DecodeAsync(baseImage, options, ct);
        image.Mutate(x => x.AutoOrient());
        int width = image.Width, height = image.Height;

        float[] person = await maskSource.CreateMaskAsync(image, ct);
        if (person.Length != (long)width * height)
        {
            throw new InvalidOperationException(
                $"Mask source '{maskSource.Name}' returned {person.Length} values for a {width}x{height} image.");
        }

        long personPixels = 0;
        foreach (float coverage in person)
        {
            personPixels += coverage >= 0.5f ? 1 : 0;
        }

        float[] protect = BuildProtection(person, width, height, request, ct);
        Recolour(image, person, protect, target, request, ct);

        await AdjustedImageOutput.WritePngAsync(image, keepAlpha: true, output, ct);
        return new BackgroundFixResult(
            width, height, ToHex(target), personPixels, ((long)width * height) - personPixels, maskSource.Name);
    }

    /// <summary>Dilation radius in pixels for the request and image size.</summary>
    internal static int ExpansionRadius(double percentage, int width, int height) =>
        (int)Math.Round(percentage * Math.Max(width, height), MidpointRounding.AwayFromZero);

    private static float[] BuildProtection(float[] person, int width, int height, BackgroundFixRequest request, CancellationToken ct)
    {
        int radius = ExpansionRadius(request.MaskExpansionPercentage, width, height);
        if (radius == 0 && request.EdgeBlurSigma <= 0)
        {
            return person;
        }

        var protect = (float[])person.Clone();
        MaskFilters.Dilate(protect, width, height, radius, ct);
        MaskFilters.GaussianBlur(protect, width, height, request.EdgeBlurSigma, ct);
        return protect;
    }

    private static void Recolour(
        Image<Rgba32> image, float[] person, float[] protect, Rgba32 target, BackgroundFixRequest request, CancellationToken ct)
    {
        var (targetH, targetS, _) = ColorSpace.RgbToHsv(target.R, target.G, target.B);
        var (_, targetA, targetB) = ColorSpace.RgbToLab(target.R, target.G, target.B);
        float shadow = request.ShadowThreshold, ramp = request.LightThreshold - request.ShadowThreshold;
        bool hsv = request.Strategy == BackgroundFixStrategy.HSV_SHIFT;

        image.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                ct.ThrowIfCancellationRequested();
                var row = accessor.GetRowSpan(y);
                int offset = y * accessor.Width;
                for (int x = 0; x < row.Length; x++)
                {
                    ref var pixel = ref row[x];
                    float strength = Math.Clamp((ColorSpace.Luma(pixel.R, pixel.G, pixel.B) - shadow) / ramp, 0f, 1f);
                    float mask = MathF.Max(person[offset + x], protect[offset + x]);
                    float weight = strength * (1f - Math.Clamp(mask, 0f, 1f));
                    if (weight <= 0f)
                    {
                        continue;
                    }

                    var (r, g, b) = hsv
                        ? ShiftHsv(pixel, targetH, targetS, weight)
                        : ShiftLab(pixel, targetA, targetB, weight);
                    pixel = new Rgba32(r, g, b, pixel.A);
                }
            }
        });
    }

    private static (byte R, byte G, byte B) ShiftHsv(Rgba32 pixel, float targetH, float targetS, float weight)
    {
        var (h, s, v) = ColorSpace.RgbToHsv(pixel.R, pixel.G, pixel.B);
        if (s <= 0f)
        {
            h = targetH;
        }

        h += weight * ColorSpace.HueDelta(h, targetH);
        s += weight * (targetS - s);
        return ColorSpace.HsvToRgb(h, s, v);
    }

    private static (byte R, byte G, byte B) ShiftLab(Rgba32 pixel, float targetA, float targetB, float weight)
    {
        var (l, a, b) = ColorSpace.RgbToLab(pixel.R, pixel.G, pixel.B);
        return ColorSpace.LabToRgb(l, a + (weight * (targetA - a)), b + (weight * (targetB - b)));
    }

    private static string ToHex(Rgba32 color) =>
        string.Create(CultureInfo.InvariantCulture, $"#{color.R:X2}{color.G:X2}{color.B:X2}");
}
