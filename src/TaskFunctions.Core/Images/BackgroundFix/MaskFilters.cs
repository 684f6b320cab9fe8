namespace TaskFunctions.Core.Images.BackgroundFix;

/// <summary>Separable filters over a row-major float plane: square max-filter (dilation) and Gaussian blur.</summary>
/// <remarks>
/// Both work in place. Rows are filtered one at a time through a row buffer; columns are gathered a strip of
/// <see cref="StripWidth"/> at a time into a small scratch buffer, so the extra memory is a few rows' worth, not a
/// second plane, and the column pass still reads memory mostly sequentially. Image borders replicate the edge value.
/// </remarks>
internal static class MaskFilters
{
    private const int StripWidth = 32;

    /// <summary>Grows every value over a (2r+1)² square: the Chebyshev dilation by <paramref name="radius"/> pixels.</summary>
    public static void Dilate(float[] plane, int width, int height, int radius, CancellationToken ct)
    {
        if (radius <= 0)
        {
            return;
        }

        int[] deque = new int[Math.Max(width, height)];
        Separable(plane, width, height, (src, dst) => MaxFilter(src, dst, radius, deque), ct);
    }

    /// <summary>Gaussian blur with standard deviation <paramref name="sigma"/> pixels; 0 leaves the plane as it is.</summary>
    /// <remarks>The kernel spans ±⌈3σ⌉, capped at the longer image side (beyond that, taps only repeat edge values).</remarks>
    public static void GaussianBlur(float[] plane, int width, int height, double sigma, CancellationToken ct)
    {
        if (sigma <= 0)
        {
            return;
        }

        float[] kernel = GaussianKernel(sigma, Math.Max(width, height));
        Separable(plane, width, height, (src, dst) => Convolve(src, dst, kernel), ct);
    }

    internal static float[] GaussianKernel(double sigma, int maxRadius)
    {
        int radius = (int)Math.Min(Math.Ceiling(3 * sigma), Math.Max(1, maxRadius));
        radius = Math.Max(1, radius);
        var kernel = new float[(2 * radius) + 1];
        double sum = 0;
        var weights = new double[kernel.Length];
        for (int k = -radius; k <= radius; k++)
        {
            weights[k + radius] = Math.Exp(-(k * k) / (2 * sigma * sigma));
            sum += weights[k + radius];
        }

        for (int i = 0; i < kernel.Length; i++)
        {
            kernel[i] = (float)(weights[i] / sum);
        }

        return kernel;
    }

    private delegate void LineFilter(ReadOnlySpan<float> source, Span<float> destination);

    private static void Separable(float[] plane, int width, int height, LineFilter filter, CancellationToken ct)
    {
        var line = new float[Math.Max(width, height)];
        for (int y = 0; y < height; y++)
        {
            ct.ThrowIfCancellationRequested();
            var row = plane.AsSpan(y * width, width);
            row.CopyTo(line);
            filter(line.AsSpan(0, width), row);
        }

        var strip = new float[StripWidth * height];
        for (int x0 = 0; x0 < width; x0 += StripWidth)
        {
            ct.ThrowIfCancellationRequested();
            int columns = Math.Min(StripWidth, width - x0);
            for (int y = 0; y < height; y++)
            {
                int offset = (y * width) + x0;
                for (int j = 0; j < columns; j++)
                {
                    strip[(j * height) + y] = plane[offset + j];
                }
            }

            for (int j = 0; j < columns; j++)
            {
                var column = strip.AsSpan(j * height, height);
                column.CopyTo(line);
                filter(line.AsSpan(0, height), column);
            }

            for (int y = 0; y < height; y++)
            {
                int offset = (y * width) + x0;
                for (int j = 0; j < columns; j++)
                {
                    plane[offset + j] = strip[(j * height) + y];
                }
            }
        }
    }

    // Sliding-window maximum with a monotonic deque of indices: O(n) whatever the radius.
    private static void MaxFilter(ReadOnlySpan<float> src, Span<float> dst, int radius, int[] deque)
    {
        int n = src.Length, head = 0, tail = 0, next = 0;
        for (int i = 0; i < n; i++)
        {
            int last = Math.Min(n - 1, i + radius);
            for (; next <= last; next++)
            {
                while (tail > head && src[deque[tail - 1]] <= src[next])
                {
                    tail--;
                }

                deque[tail++] = next;
            }

            while (deque[head] < i - radius)
            {
                head++;
            }

            dst[i] = src[deque[head]];
        }
    }

    private static void Convolve(ReadOnlySpan<float> src, Span<float> dst, float[] kernel)
    {
        int n = src.Length, radius = kernel.Length / 2;
        for (int i = 0; i < n; i++)
        {
            float sum = 0;
            if (i - radius >= 0 && i + radius < n)
            {
                var window = src.Slice(i - radius, kernel.Length);
                for (int k = 0; k < kernel.Length; k++)
                {
                    sum += kernel[k] * window[k];
                }
            }
            else
            {
                for (int k = 0; k < kernel.Length; k++)
                {
                    sum += kernel[k] * src[Math.Clamp(i + k - radius, 0, n - 1)];
                }
            }

            dst[i] = sum;
        }
    }
}
