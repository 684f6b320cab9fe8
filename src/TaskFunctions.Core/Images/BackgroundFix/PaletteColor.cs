using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace TaskFunctions.Core.Images.BackgroundFix;

/// <summary>Finds the dominant colour of a palette image: the per-channel median of its opaque pixels in CIELAB.</summary>
/// <remarks>
/// Medians are taken separately over L*, a* and b* from 0.1-wide histograms (exact to well under one 8-bit step, O(n),
/// fixed memory). A colour covering more than half of the opaque pixels is therefore returned as it is, and small
/// patches of other colours, text or noise do not pull the result the way a mean would. A palette made of several
/// equally large colours yields a colour between them. Pixels with alpha below 128 are ignored.
/// </remarks>
internal static class PaletteColor
{
    private const float BinsPerUnit = 10f;
    private const int LBins = 1001; // L* 0..100
    private const float AbOffset = 128f; // a*, b* of sRGB colours lie well inside ±128
    private const int AbBins = 2561;

    public static Rgba32 Dominant(Image<Rgba32> palette, CancellationToken ct)
    {
        var lHistogram = new long[LBins];
        var aHistogram = new long[AbBins];
        var bHistogram = new long[AbBins];
        long count = 0;
        palette.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                ct.ThrowIfCancellationRequested();
                foreach (var pixel in accessor.GetRowSpan(y))
                {
                    if (pixel.A < AlphaPersonMaskSource.PersonAlpha)
                    {
                        continue;
                    }

                    var (l, a, b) = ColorSpace.RgbToLab(pixel.R, pixel.G, pixel.B);
                    lHistogram[Bin(l, 0f, LBins)]++;
                    aHistogram[Bin(a, AbOffset, AbBins)]++;
                    bHistogram[Bin(b, AbOffset, AbBins)]++;
                    count++;
                }
            }
        });

        if (count == 0)
        {
            throw new InvalidImageException("palette_image has no opaque pixels to take a colour from");
        }

        float medianL = Median(lHistogram, count, 0f);
        float medianA = Median(aHistogram, count, AbOffset);
        float medianB = Median(bHistogram, count, AbOffset);
        var (r, g, bl) = ColorSpace.LabToRgb(medianL, medianA, medianB);
        return new Rgba32(r, g, bl, byte.MaxValue);
    }

    private static int Bin(float value, float offset, int bins) =>
        Math.Clamp((int)MathF.Round((value + offset) * BinsPerUnit), 0, bins - 1);

    // Lower median: the first bin where at least half of the values have been counted.
    private static float Median(long[] histogram, long count, float offset)
    {
        long cumulative = 0;
        for (int i = 0; i < histogram.Length; i++)
        {
            cumulative += histogram[i];
            if (cumulative * 2 >= count)
            {
                return (i / BinsPerUnit) - offset;
            }
        }

        return ((histogram.Length - 1) / BinsPerUnit) - offset;
    }
}
