using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace TaskFunctions.Core.Images.Subject;

/// <summary>Finds the bounding box of an image's subject from transparency or from a background estimated on the borders.</summary>
/// <remarks>
/// <para>
/// <b>Transparent images</b> (any pixel with alpha below 255): a pixel is subject when its alpha is at least
/// <see cref="SubjectDetectionOptions.AlphaThreshold"/>, so faint shadows and halos are ignored.
/// </para>
/// <para>
/// <b>Opaque images</b>: the background colour is the per-channel median, in plain sRGB, of the pixels in a band
/// along all four borders (<see cref="SubjectDetectionOptions.BorderFraction"/> of each side, at least 1 px). RGB
/// rather than Lab keeps the estimate exact and cheap; plain studio backgrounds do not need a perceptual space. The
/// median holds as long as less than half of the band is covered by the subject. The noise is the median of the
/// border pixels' Euclidean RGB distances to that colour (their median absolute deviation from it, at ¼ unit
/// resolution). A pixel is subject when its distance exceeds
/// <c>max(ColorTolerance, NoiseFactor × noise)</c>; with the default factor 3, a Gaussian-noisy background
/// (σ per channel) is cut at about 4.6 σ, which leaves roughly one background pixel in ten thousand, and those
/// stragglers are removed by the next step.
/// </para>
/// <para>
/// <b>Specks</b>: the mask is opened with a square of side <c>2 × SpeckRadius + 1</c> (erosion, then dilation), so
/// isolated pixels, noise and lines thinner than the square vanish while solid shapes keep their exact outline.
/// Only the bounding box is needed, so the opening is computed in one streaming pass with one row of memory: the
/// box of a dilation is the box of the erosion grown by the radius.
/// </para>
/// <para>A uniform image, or one whose only differences are specks, has no subject: <see cref="Detect"/> returns null.</para>
/// </remarks>
public static class SubjectDetector
{
    // Distances are histogrammed at this many bins per RGB unit; the largest distance is √(3 × 255²) ≈ 441.7.
    private const int DistanceBinsPerUnit = 4;
    private const int DistanceBins = 442 * DistanceBinsPerUnit;

    /// <summary>Detects the subject of <paramref name="image"/>; null when there is none (uniform image or only specks).</summary>
    public static SubjectBox? Detect(Image<Rgba32> image, SubjectDetectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.BorderFraction >= 0 && options.BorderFraction <= 0.5))
        {
            throw new ArgumentException("BorderFraction must be between 0 and 0.5.", nameof(options));
        }

        if (!(options.ColorTolerance >= 0) || !(options.NoiseFactor >= 0) || options.SpeckRadius < 0)
        {
            throw new ArgumentException("ColorTolerance, NoiseFactor and SpeckRadius must not be negative.", nameof(options));
        }

        Classifier classifier;
        SubjectDetectionMethod method;
        if (AdjustedImageOutput.HasTransparency(image))
        {
            method = SubjectDetectionMethod.Alpha;
            classifier = new Classifier(true, options.AlphaThreshold, default, 0);
        }
        else
        {
            method = SubjectDetectionMethod.Background;
            var (background, noise) = EstimateBackground(image, options.BorderFraction);
            double threshold = Math.Max(options.ColorTolerance, options.NoiseFactor * noise);
            classifier = new Classifier(false, 0, background, threshold * threshold);
        }

        var bounds = OpenedBounds(image, classifier, options.SpeckRadius);
        return bounds is { } b ? new SubjectBox(b, method) : null;
    }


    /// <summary>The per-channel median colour of the border band and the median distance of the band's pixels to it.</summary>
    internal static (Rgba32 Background, double Noise) EstimateBackground(Image<Rgba32> image, double borderFraction)
    {
        int bandX = Band(image.Width, borderFraction), bandY = Band(image.Height, borderFraction);
        var red = new long[256];
        var green = new long[256];
        var blue = new long[256];
        long count = 0;
        image.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                ForEachBorderPixel(accessor.GetRowSpan(y), y, accessor.Height, bandX, bandY, pixel =>
                {
                    red[pixel.R]++;
                    green[pixel.G]++;
                    blue[pixel.B]++;
                    count++;
                });
            }
        });

        var background = new Rgba32(Median(red, count), Median(green, count), Median(blue, count), byte.MaxValue);
        var distances = new long[DistanceBins];
        image.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                ForEachBorderPixel(accessor.GetRowSpan(y), y, accessor.Height, bandX, bandY, pixel =>
                {
                    int bin = (int)(Math.Sqrt(DistanceSquared(pixel, background)) * DistanceBinsPerUnit);
                    distances[Math.Min(bin, DistanceBins - 1)]++;
                });
            }
        });

        return (background, (double)MedianBin(distances, count) / DistanceBinsPerUnit);
    }

    private static int Band(int side, double fraction) =>
        Math.Clamp((int)Math.Round(side * fraction, MidpointRounding.AwayFromZero), 1, Math.Max(1, side / 2));

    private static void ForEachBorderPixel(Span<Rgba32> row, int y, int height, int bandX, int bandY, Action<Rgba32> visit)
    {
        if (y < bandY || y >= height - bandY)
        {
            foreach (var pixel in row)
            {
                visit(pixel);
            }

            return;
        }

        for (int x = 0; x < row.Length; x++)
        {
            if (x < bandX || x >= row.Length - bandX)
            {
                visit(row[x]);
            }
            else
            {
                x = Math.Max(x, row.Length - bandX - 1);
            }
        }
    }

    // The lower median: with an even count the smaller of the two middle values, so the result is a real sample.
    private static byte Median(long[] histogram, long count) => (byte)Math.Min(byte.MaxValue, MedianBin(histogram, count));

    private static int MedianBin(long[] histogram, long count)
    {
        long half = (count + 1) / 2, seen = 0;
        for (int i = 0; i < histogram.Length; i++)
        {
            seen += histogram[i];
            if (seen >= half)
            {
                return i;
            }
        }

        return histogram.Length - 1;
    }

    private static int DistanceSquared(Rgba32 a, Rgba32 b)
    {
        int dr = a.R - b.R, dg = a.G - b.G, db = a.B - b.B;
        return dr * dr + dg * dg + db * db;
    }

    private static Rectangle? OpenedBounds(Image<Rgba32> image, Classifier classifier, int radius)
    {
        int width = image.Width, window = 2 * radius + 1;
        int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1;
        image.ProcessPixelRows(accessor =>
        {
            var eroded = new bool[width];
            var columnRuns = new int[width];
            for (int y = 0; y < accessor.Height; y++)
            {
                var row = accessor.GetRowSpan(y);
                Array.Clear(eroded);

                // Horizontal erosion: a pixel survives when the whole window centred on it is subject.
                int run = 0;
                for (int x = 0; x < width; x++)
                {
                    run = classifier.IsSubject(row[x]) ? run + 1 : 0;
                    if (run >= window)
                    {
                        eroded[x - radius] = true;
                    }
                }

                // Vertical erosion of that row, streamed: (x, y - radius) survives when `window` rows in a row did.
                for (int x = 0; x < width; x++)
                {
                    columnRuns[x] = eroded[x] ? columnRuns[x] + 1 : 0;
                    if (columnRuns[x] >= window)
                    {
                        minX = Math.Min(minX, x);
                        maxX = Math.Max(maxX, x);
                        minY = Math.Min(minY, y - radius);
                        maxY = Math.Max(maxY, y - radius);
                    }
                }
            }
        });

        if (maxX < 0)
        {
            return null;
        }

        // Out-of-image pixels count as background, so eroded pixels lie at least `radius` inside and the grown box fits.
        return Rectangle.FromLTRB(minX - radius, minY - radius, maxX + radius + 1, maxY + radius + 1);
    }

    private readonly record struct Classifier(bool ByAlpha, byte AlphaThreshold, Rgba32 Background, double ThresholdSquared)
    {
        public bool IsSubject(Rgba32 pixel) =>
            ByAlpha ? pixel.A >= AlphaThreshold : DistanceSquared(pixel, Background) > ThresholdSquared;
    }
}
