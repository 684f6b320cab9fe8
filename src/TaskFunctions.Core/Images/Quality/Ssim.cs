using System.Numerics;
using System.Runtime.CompilerServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace TaskFunctions.Core.Images.Quality;

/// <summary>Structural similarity (SSIM, Wang et al. 2004) of two images, measured on BT.601 luma.</summary>
/// <remarks>
/// Follows the reference definition: an 11×11 Gaussian window with σ = 1.5, K1 = 0.01, K2 = 0.03, L = 255,
/// evaluated at every position where the window fits inside the image ("valid" windows), and averaged.
/// The window is separable, so it is applied as a horizontal then a vertical pass streamed row by row:
/// besides the two luma planes only eleven filtered rows are kept, which keeps a 12 MP pair to ~100 MB.
/// Filter sums are accumulated in <see cref="double"/>: the variance is E[x²] − μ², which loses too many
/// digits in <see cref="float"/> for the score to be reproducible. Along a side shorter than 11 pixels the
/// window is cut to that side's length (still Gaussian, σ = 1.5, renormalised), so tiny images still score.
/// </remarks>
public static class Ssim
{
    private const int WindowSize = 11;
    private const double Sigma = 1.5;
    private const double K1 = 0.01;
    private const double K2 = 0.03;
    private const double DynamicRange = 255;
    private const double C1 = K1 * DynamicRange * (K1 * DynamicRange);
    private const double C2 = K2 * DynamicRange * (K2 * DynamicRange);

    // Quantities filtered per pixel: a, b, a², b², ab.
    private const int Moments = 5;

    /// <summary>Mean SSIM of <paramref name="a"/> and <paramref name="b"/>; 1 means identical, ≤ 0 unrelated or inverted.</summary>
    /// <remarks>
    /// When the sizes differ, <paramref name="b"/> is first resized (bicubic) to the size of <paramref name="a"/>,
    /// so pass the reference image as <paramref name="a"/>. Alpha is ignored: only the colour channels form luma.
    /// </remarks>
    public static double Compute(Image<Rgba32> a, Image<Rgba32> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var lumaA = LumaPlane(a, a.Width, a.Height);
        var lumaB = LumaPlane(b, a.Width, a.Height);
        return Compute(lumaA, lumaB, a.Width, a.Height);
    }

    /// <summary>Mean SSIM of two row-major luma planes (0–255 scale) of <paramref name="width"/> × <paramref name="height"/>.</summary>
    // Called a few times per task, each one long loop: straight to optimised code rather than through tier 0.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Compute(ReadOnlySpan<float> lumaA, ReadOnlySpan<float> lumaB, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        long pixels = (long)width * height;
        if (lumaA.Length != pixels)
        {
            throw new ArgumentException($"expected {pixels} luma values for {width}x{height}, got {lumaA.Length}", nameof(lumaA));
        }

        if (lumaB.Length != pixels)
        {
            throw new ArgumentException($"expected {pixels} luma values for {width}x{height}, got {lumaB.Length}", nameof(lumaB));
        }

        var kernelX = Kernel(Math.Min(WindowSize, width));
        var kernelY = Kernel(Math.Min(WindowSize, height));
        int outWidth = width - kernelX.Length + 1;
        int outHeight = height - kernelY.Length + 1;

        // Horizontally filtered rows, a ring of kernelY.Length rows, each holding the five moments side by side.
        var ring = new double[kernelY.Length * Moments * outWidth];
        var moments = new double[Moments * width];
        var window = new double[Moments * outWidth];
        double total = 0;

        for (int y = 0; y < height; y++)
        {
            var rowA = lumaA.Slice(y * width, width);
            var rowB = lumaB.Slice(y * width, width);
            for (int x = 0; x < width; x++)
            {
                double va = rowA[x];
                double vb = rowB[x];
                moments[x] = va;
                moments[width + x] = vb;
                moments[(2 * width) + x] = va * va;
                moments[(3 * width) + x] = vb * vb;
                moments[(4 * width) + x] = va * vb;
            }

            var slot = ring.AsSpan((y % kernelY.Length) * Moments * outWidth, Moments * outWidth);
            slot.Clear();
            for (int m = 0; m < Moments; m++)
            {
                var source = moments.AsSpan(m * width, width);
                var target = slot.Slice(m * outWidth, outWidth);
                for (int k = 0; k < kernelX.Length; k++)
                {
                    MultiplyAdd(source.Slice(k, outWidth), kernelX[k], target);
                }
            }

            int top = y - kernelY.Length + 1;
            if (top < 0)
            {
                continue;
            }

            Array.Clear(window);
            for (int k = 0; k < kernelY.Length; k++)
            {
                var filtered = ring.AsSpan(((top + k) % kernelY.Length) * Moments * outWidth, Moments * outWidth);
                MultiplyAdd(filtered, kernelY[k], window);
            }

            total += RowSum(window, outWidth);
        }

        return total / ((double)outWidth * outHeight);
    }

    /// <summary>BT.601 luma of <paramref name="image"/>, resized (bicubic) to <paramref name="width"/> × <paramref name="height"/> first if needed.</summary>
    internal static float[] LumaPlane(Image<Rgba32> image, int width, int height)
    {
        if (image.Width == width && image.Height == height)
        {
            return Luma(image);
        }

        using var resized = image.Clone(context => context.Resize(width, height));
        return Luma(resized);
    }

    private static float[] Luma(Image<Rgba32> image)
    {
        var plane = new float[(long)image.Width * image.Height];
        image.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                var row = accessor.GetRowSpan(y);
                var target = plane.AsSpan(y * accessor.Width, accessor.Width);
                for (int x = 0; x < row.Length; x++)
                {
                    // In double first so grey (R = G = B) maps to exactly that value.
                    target[x] = (float)((0.299 * row[x].R) + (0.587 * row[x].G) + (0.114 * row[x].B));
                }
            }
        });
        return plane;
    }

    // Sum of the SSIM map over one output row, from the window-weighted moments.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double RowSum(ReadOnlySpan<double> window, int outWidth)
    {
        var muA = window[..outWidth];
        var muB = window.Slice(outWidth, outWidth);
        var aa = window.Slice(2 * outWidth, outWidth);
        var bb = window.Slice(3 * outWidth, outWidth);
        var ab = window.Slice(4 * outWidth, outWidth);
        double sum = 0;
        for (int x = 0; x < outWidth; x++)
        {
            double ma = muA[x];
            double mb = muB[x];
            double varianceA = aa[x] - (ma * ma);
            double varianceB = bb[x] - (mb * mb);
            double covariance = ab[x] - (ma * mb);
            double numerator = ((2 * ma * mb) + C1) * ((2 * covariance) + C2);
            double denominator = ((ma * ma) + (mb * mb) + C1) * (varianceA + varianceB + C2);
            sum += numerator / denominator;
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyAdd(ReadOnlySpan<double> source, double weight, Span<double> target)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var w = new Vector<double>(weight);
            for (; i <= target.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                var sum = new Vector<double>(target[i..]) + (w * new Vector<double>(source[i..]));
                sum.CopyTo(target[i..]);
            }
        }

        for (; i < target.Length; i++)
        {
            target[i] += weight * source[i];
        }
    }

    // Normalised 1-D Gaussian of n taps centred on the window; the 2-D window is the outer product of two.
    private static double[] Kernel(int taps)
    {
        var kernel = new double[taps];
        double centre = (taps - 1) / 2.0;
        double sum = 0;
        for (int i = 0; i < taps; i++)
        {
            double d = i - centre;
            kernel[i] = Math.Exp(-(d * d) / (2 * Sigma * Sigma));
            sum += kernel[i];
        }

        for (int i = 0; i < taps; i++)
        {
            kernel[i] /= sum;
        }

        return kernel;
    }
}
