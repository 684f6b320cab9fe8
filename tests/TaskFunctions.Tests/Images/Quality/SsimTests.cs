using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TaskFunctions.Core.Images.Quality;

namespace TaskFunctions.Tests.Images.Quality;

public class SsimTests
{
    private const double C1 = 6.5025;   // (0.01 * 255)²
    private const double C2 = 58.5225;  // (0.03 * 255)²

    [Fact]
    public void Compute_IdenticalImages_ReturnsOne()
    {
        using var image = QualityImages.Pattern(48, 40);
        using var copy = image.Clone();

        var ssim = Ssim.Compute(image, copy);

        Assert.Equal(1.0, ssim, 1e-12);
    }

    [Fact]
    public void Compute_ConstantPlanesWithOffset_MatchesLuminanceTerm()
    {
        var a = QualityImages.Constant(20, 16, 100f);
        var b = QualityImages.Constant(20, 16, 130f);
        // Zero variance and covariance make the structure term (0 + C2) / (0 + C2) = 1.
        double expected = ((2 * 100.0 * 130.0) + C1) / ((100.0 * 100.0) + (130.0 * 130.0) + C1);

        var ssim = Ssim.Compute(a, b, 20, 16);

        Assert.Equal(expected, ssim, 1e-9);
    }

    [Fact]
    public void Compute_GreyImagesWithOffset_MatchesLuminanceTerm()
    {
        using var a = new Image<Rgba32>(24, 24, new Rgba32(100, 100, 100, 255));
        using var b = new Image<Rgba32>(24, 24, new Rgba32(130, 130, 130, 255));
        double expected = ((2 * 100.0 * 130.0) + C1) / ((100.0 * 100.0) + (130.0 * 130.0) + C1);

        var ssim = Ssim.Compute(a, b);

        Assert.Equal(expected, ssim, 1e-9);
    }

    [Fact]
    public void Compute_ImageAndItsInverse_IsNegative()
    {
        using var image = QualityImages.Pattern(48, 48);
        using var inverse = QualityImages.Inverted(image);

        var ssim = Ssim.Compute(image, inverse);

        Assert.True(ssim < 0, $"SSIM of an image and its inverse was {ssim}");
    }

    [Fact]
    public void Compute_SmallPatternPair_MatchesDirectPerWindowReference()
    {
        var (a, b) = PatternPair(16, 16);

        var ssim = Ssim.Compute(a, b, 16, 16);

        double reference = DirectSsim(a, b, 16, 16);
        Assert.InRange(reference, 0.05, 0.95); // a pair that is neither identical nor unrelated
        Assert.Equal(reference, ssim, 1e-9);
    }

    [Fact]
    public void Compute_NonSquarePatternPair_MatchesDirectPerWindowReference()
    {
        var (a, b) = PatternPair(23, 14);

        var ssim = Ssim.Compute(a, b, 23, 14);

        Assert.Equal(DirectSsim(a, b, 23, 14), ssim, 1e-9);
    }

    [Fact]
    public void Compute_SwappedArguments_ReturnsSameValue()
    {
        var (a, b) = PatternPair(30, 20);

        var forward = Ssim.Compute(a, b, 30, 20);
        var backward = Ssim.Compute(b, a, 30, 20);

        Assert.Equal(forward, backward, 1e-12);
    }

    [Fact]
    public void Compute_IncreasingNoise_DecreasesScore()
    {
        const int width = 64;
        const int height = 48;
        using var image = QualityImages.Pattern(width, height);
        var clean = LumaOf(image);
        var random = new Random(1234);
        var noise = Enumerable.Range(0, clean.Length).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        float[] amplitudes = [0, 2, 5, 10, 20, 40, 80];

        var scores = amplitudes
            .Select(amplitude => Ssim.Compute(clean, clean.Select((v, i) => v + (amplitude * noise[i])).ToArray(), width, height))
            .ToArray();

        Assert.Equal(1.0, scores[0], 1e-12);
        for (int i = 1; i < scores.Length; i++)
        {
            Assert.True(scores[i] < scores[i - 1], $"noise {amplitudes[i]} scored {scores[i]}, not below {scores[i - 1]} at noise {amplitudes[i - 1]}");
        }
    }

    [Fact]
    public void Compute_DifferentSizes_ResizesSecondToFirst()
    {
        using var image = QualityImages.Pattern(40, 32);
        using var upscaled = image.Clone(context => context.Resize(80, 64, KnownResamplers.NearestNeighbor));
        using var resizedBack = upscaled.Clone(context => context.Resize(40, 32));

        var ssim = Ssim.Compute(image, upscaled);

        Assert.Equal(Ssim.Compute(image, resizedBack), ssim, 1e-12);
        Assert.True(ssim > 0.9, $"a 2x upscale scored {ssim}");
    }

    [Fact]
    public void Compute_ImageSmallerThanWindow_UsesWholeSide()
    {
        var (a, b) = PatternPair(8, 6);

        var same = Ssim.Compute(a, a, 8, 6);
        var different = Ssim.Compute(a, b, 8, 6);

        Assert.Equal(1.0, same, 1e-12);
        Assert.Equal(DirectSsim(a, b, 8, 6), different, 1e-9);
    }

    [Fact]
    public void Compute_PlaneLengthMismatch_Throws()
    {
        var a = QualityImages.Constant(10, 10, 1f);
        var b = QualityImages.Constant(10, 9, 1f);

        var error = Assert.Throws<ArgumentException>(() => Ssim.Compute(a, b, 10, 10));

        Assert.Equal("lumaB", error.ParamName);
    }

    // Two related luma planes: a deterministic texture and a blurred, shifted, brightened version of it.
    private static (float[] A, float[] B) PatternPair(int width, int height)
    {
        var a = new float[width * height];
        var b = new float[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                a[(y * width) + x] = (float)((x * 37 + y * 91 + ((x * y) % 7) * 23) % 256);
                b[(y * width) + x] = (float)Math.Min(255, (0.6 * (((x + 1) * 37 + y * 91 + (((x + 1) * y) % 7) * 23) % 256)) + (0.3 * a[(y * width) + x]) + 20);
            }
        }

        return (a, b);
    }

    private static float[] LumaOf(Image<Rgba32> image)
    {
        var plane = new float[image.Width * image.Height];
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                var p = image[x, y];
                plane[(y * image.Width) + x] = (float)((0.299 * p.R) + (0.587 * p.G) + (0.114 * p.B));
            }
        }

        return plane;
    }

    // Straight from Wang et al. (2004): for every window position, the Gaussian-weighted means, variances and
    // covariance computed directly around the means, then the SSIM formula; averaged over all positions.
    private static double DirectSsim(float[] a, float[] b, int width, int height)
    {
        int windowX = Math.Min(11, width);
        int windowY = Math.Min(11, height);
        var weights = new double[windowY, windowX];
        double total = 0;
        for (int v = 0; v < windowY; v++)
        {
            for (int u = 0; u < windowX; u++)
            {
                double dx = u - ((windowX - 1) / 2.0);
                double dy = v - ((windowY - 1) / 2.0);
                weights[v, u] = Math.Exp(-((dx * dx) + (dy * dy)) / (2 * 1.5 * 1.5));
                total += weights[v, u];
            }
        }

        double sum = 0;
        int count = 0;
        for (int top = 0; top + windowY <= height; top++)
        {
            for (int left = 0; left + windowX <= width; left++)
            {
                double muA = 0, muB = 0;
                for (int v = 0; v < windowY; v++)
                {
                    for (int u = 0; u < windowX; u++)
                    {
                        double w = weights[v, u] / total;
                        muA += w * a[((top + v) * width) + left + u];
                        muB += w * b[((top + v) * width) + left + u];
                    }
                }

                double varA = 0, varB = 0, cov = 0;
                for (int v = 0; v < windowY; v++)
                {
                    for (int u = 0; u < windowX; u++)
                    {
                        double w = weights[v, u] / total;
                        double da = a[((top + v) * width) + left + u] - muA;
                        double db = b[((top + v) * width) + left + u] - muB;
                        varA += w * da * da;
                        varB += w * db * db;
                        cov += w * da * db;
                    }
                }

                sum += ((2 * muA * muB) + C1) * ((2 * cov) + C2) / (((muA * muA) + (muB * muB) + C1) * (varA + varB + C2));
                count++;
            }
        }

        return sum / count;
    }
}
