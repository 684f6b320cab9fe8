using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TaskFunctions.Core.Images;
using TaskFunctions.Core.Images.BackgroundFix;
using TaskFunctions.Core.Tasks;
using static TaskFunctions.Tests.Images.BackgroundFix.BackgroundFixImages;

using TaskFunctions.Tests.Infrastructure;
namespace TaskFunctions.Tests.Images.BackgroundFix;

public class BackgroundFixerTests
{
    private static readonly Rgba32 Dark = new(60, 55, 50, 0);
    private static readonly Rgba32 MidGrey = new(185, 185, 185, 0);
    private static readonly Rgba32 BrightWarm = new(250, 235, 220, 0);

    private static BackgroundFixRequest Request(
        BackgroundFixStrategy strategy = BackgroundFixStrategy.HSV_SHIFT, double expansion = 0.005, double sigma = 4) =>
        new(strategy, expansion, sigma, 150, 220);

    private static async Task<(BackgroundFixResult Result, Image<Rgba32> Image)> Fix(
        byte[] baseImage, byte[] palette, BackgroundFixRequest request, IPersonMaskSource? maskSource = null)
    {
        var fixer = maskSource is null
            ? new BackgroundFixer(new ImageDecodeOptions())
            : new BackgroundFixer(new ImageDecodeOptions(), maskSource);
        using var output = new MemoryStream();
        var result = await fixer.FixAsync(new MemoryStream(baseImage), new MemoryStream(palette), request, output, CancellationToken.None);
        return (result, Load(output.ToArray()));
    }

    // Top third dark, middle third mid grey, bottom third bright; all transparent background.
    private static Rgba32 Bands(int x, int y) => y < Height / 3 ? Dark : y < 2 * Height / 3 ? MidGrey : BrightWarm;

    [Theory]
    [InlineData(BackgroundFixStrategy.HSV_SHIFT)]
    [InlineData(BackgroundFixStrategy.LAB_TRANSFER)]
    public async Task FixAsync_PersonPixels_UnchangedExactly(BackgroundFixStrategy strategy)
    {
        var input = Base(Bands);

        var (result, image) = await Fix(input, Solid(PaletteBlue), Request(strategy, expansion: 0.02, sigma: 6));

        using (image)
        {
            for (int y = Person.Top; y < Person.Bottom; y++)
            {
                for (int x = Person.Left; x < Person.Right; x++)
                {
                    Assert.Equal(PersonAt(x, y), image[x, y]);
                }
            }

            Assert.Equal((Width, Height), (result.Width, result.Height));
            Assert.Equal(Person.Width * Person.Height, result.PersonPixels);
            Assert.Equal((Width * Height) - (Person.Width * Person.Height), result.BackgroundPixels);
            Assert.Equal("alpha", result.MaskSource);
        }
    }

    [Theory]
    [InlineData(BackgroundFixStrategy.HSV_SHIFT)]
    [InlineData(BackgroundFixStrategy.LAB_TRANSFER)]
    public async Task FixAsync_BrightBackground_MovesTowardPaletteColour(BackgroundFixStrategy strategy)
    {
        var input = Base(Bands);

        var (result, image) = await Fix(input, Solid(PaletteBlue), Request(strategy));

        using (image)
        {
            var target = ParseHex(result.TargetColor);
            var moved = image[5, Height - 5];
            Assert.True(HueDistance(strategy, moved, target) < HueDistance(strategy, BrightWarm, target) / 10,
                $"hue of {moved} should be near the target {target}");
            Assert.True(ChromaDistance(moved, target) < ChromaDistance(BrightWarm, target));
        }
    }

    [Theory]
    [InlineData(BackgroundFixStrategy.HSV_SHIFT)]
    [InlineData(BackgroundFixStrategy.LAB_TRANSFER)]
    public async Task FixAsync_DarkBackgroundBelowShadowThreshold_Unchanged(BackgroundFixStrategy strategy)
    {
        var input = Base(Bands);

        var (_, image) = await Fix(input, Solid(PaletteBlue), Request(strategy));

        using (image)
        {
            for (int x = 0; x < Width; x++)
            {
                Assert.Equal(Dark, image[x, 2]);
            }
        }
    }

    [Theory]
    [InlineData(BackgroundFixStrategy.HSV_SHIFT)]
    [InlineData(BackgroundFixStrategy.LAB_TRANSFER)]
    public async Task FixAsync_MidGreyBetweenThresholds_MovesPartially(BackgroundFixStrategy strategy)
    {
        var input = Base(Bands);

        var (result, image) = await Fix(input, Solid(PaletteBlue), Request(strategy));

        using (image)
        {
            // Luma 185 sits halfway between 150 and 220, so the shift is about half of the full one.
            var target = ParseHex(result.TargetColor);
            double before = ChromaDistance(MidGrey, target);
            double after = ChromaDistance(image[5, Height / 2], target);
            Assert.InRange(after, before * 0.35, before * 0.65);
            Assert.InRange(HueDistance(strategy, image[5, Height / 2], target), 0, 3);
        }
    }

    [Fact]
    public async Task FixAsync_HsvShift_KeepsValue()
    {
        var input = Base(Bands);

        var (_, image) = await Fix(input, Solid(PaletteBlue), Request(BackgroundFixStrategy.HSV_SHIFT));

        using (image)
        {
            foreach (var (x, y, original) in new[] { (5, Height - 5, BrightWarm), (5, Height / 2, MidGrey) })
            {
                var pixel = image[x, y];
                Assert.Equal(Math.Max(original.R, Math.Max(original.G, original.B)), Math.Max(pixel.R, Math.Max(pixel.G, pixel.B)), 1d);
            }
        }
    }

    [Fact]
    public async Task FixAsync_LabTransfer_KeepsLightness()
    {
        var input = Base(Bands);

        var (_, image) = await Fix(input, Solid(PaletteBlue), Request(BackgroundFixStrategy.LAB_TRANSFER));

        using (image)
        {
            foreach (var (x, y, original) in new[] { (5, Height - 5, BrightWarm), (5, Height / 2, MidGrey) })
            {
                var pixel = image[x, y];
                var before = ColorSpace.RgbToLab(original.R, original.G, original.B).L;
                var after = ColorSpace.RgbToLab(pixel.R, pixel.G, pixel.B).L;
                Assert.Equal(before, after, 1.5f);
            }
        }
    }

    [Theory]
    [InlineData(BackgroundFixStrategy.HSV_SHIFT)]
    [InlineData(BackgroundFixStrategy.LAB_TRANSFER)]
    public async Task FixAsync_SoftEdge_BlendsAcrossTheBand(BackgroundFixStrategy strategy)
    {
        var input = Base((_, _) => BrightWarm);

        // 5 % of 200 px = 10 px expansion, σ = 4 px: the transition runs from about x = 120 to x = 142.
        var (result, image) = await Fix(input, Solid(PaletteBlue), Request(strategy, expansion: 0.05, sigma: 4));

        using (image)
        {
            var target = ParseHex(result.TargetColor);
            double original = HueDistance(strategy, BrightWarm, target);
            double full = HueDistance(strategy, image[Width - 1, 60], target);
            var distances = Enumerable.Range(Person.Right, 40).Select(x => HueDistance(strategy, image[x, 60], target)).ToList();

            Assert.True(distances[0] > original * 0.95, "next to the person the colour is (almost) kept");
            Assert.Equal(full, distances[^1], 1.0);
            for (int i = 1; i < distances.Count; i++)
            {
                Assert.True(distances[i] <= distances[i - 1] + 2, $"hue moves away from the target at x = {Person.Right + i}");
            }

            Assert.Contains(distances, d => d > full + 5 && d < original - 5);
        }
    }

    [Fact]
    public async Task FixAsync_ExpansionWithHardEdge_ProtectsExactlyTheExpandedBand()
    {
        var input = Base((_, _) => BrightWarm);

        // 5 % of 200 px = 10 px, no blur: the 10 pixels around the person stay, the 11th is fully shifted.
        var (_, image) = await Fix(input, Solid(PaletteBlue), Request(expansion: 0.05, sigma: 0));

        using (image)
        {
            var far = image[Width - 1, 60];
            Assert.NotEqual(BrightWarm, far);
            for (int d = 0; d < 10; d++)
            {
                Assert.Equal(BrightWarm, image[Person.Right + d, 60]);
                Assert.Equal(BrightWarm, image[Person.Left - 1 - d, 60]);
                Assert.Equal(BrightWarm, image[100, Person.Top - 1 - d]);
            }

            Assert.Equal(far, image[Person.Right + 10, 60]);
            Assert.Equal(far, image[Person.Left - 11, 60]);
        }
    }

    [Fact]
    public async Task FixAsync_NoExpansionNoBlur_ShiftsRightUpToThePerson()
    {
        var input = Base((_, _) => BrightWarm);

        var (_, image) = await Fix(input, Solid(PaletteBlue), Request(expansion: 0, sigma: 0));

        using (image)
        {
            Assert.Equal(image[Width - 1, 60], image[Person.Right, 60]);
            Assert.Equal(PersonAt(Person.Right - 1, 60), image[Person.Right - 1, 60]);
        }
    }

    [Fact]
    public async Task FixAsync_TransparentBackground_KeepsAlphaAndRecoloursRgb()
    {
        var semi = new Rgba32(250, 235, 220, 64);
        var input = Base((x, _) => x < 40 ? semi : BrightWarm);

        var (_, image) = await Fix(input, Solid(PaletteBlue), Request());

        using (image)
        {
            Assert.Equal(64, image[5, 60].A);
            Assert.Equal(0, image[Width - 5, 60].A);
            Assert.Equal(255, image[100, 60].A);
            Assert.NotEqual(BrightWarm.Rgb, image[Width - 5, 60].Rgb);
            Assert.Equal(image[Width - 5, 60].Rgb, image[5, 60].Rgb);
        }
    }

    [Fact]
    public async Task FixAsync_OpaqueBaseImage_ThrowsPersonMaskUnavailable()
    {
        var opaque = Solid(new Rgba32(240, 240, 240, 255), 32, 32);

        var ex = await Assert.ThrowsAsync<PersonMaskUnavailableException>(() => Fix(opaque, Solid(PaletteBlue), Request()));

        Assert.Equal("base_image has no alpha channel to separate the person; the background-removal provider makes the mask", ex.Message);
    }

    [Fact]
    public async Task FixAsync_JpegBaseImage_ThrowsPersonMaskUnavailable()
    {
        using var image = new Image<Rgba32>(32, 32, new Rgba32(240, 240, 240, 255));

        await Assert.ThrowsAsync<PersonMaskUnavailableException>(() => Fix(TestImages.Jpeg(image), Solid(PaletteBlue), Request()));
    }

    [Theory]
    [InlineData(70, "#FF0000")]
    [InlineData(30, "#0000FF")]
    public async Task FixAsync_TwoColourPalette_TargetsTheMajorityColour(int redPercent, string expected)
    {
        using var palette = new Image<Rgba32>(100, 10);
        palette.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                var row = accessor.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    row[x] = x < redPercent ? TestImages.Red : TestImages.Blue;
                }
            }
        });

        var (result, image) = await Fix(Base(Bands), Png(palette), Request());

        image.Dispose();
        Assert.True(TestImages.IsNear(ParseHex(expected), ParseHex(result.TargetColor), 2), $"{result.TargetColor} should be {expected}");
    }

    [Fact]
    public async Task FixAsync_PaletteTransparentPixels_AreIgnored()
    {
        // Mostly transparent red around an opaque green patch: only the green counts.
        using var palette = new Image<Rgba32>(20, 20, new Rgba32(255, 0, 0, 0));
        for (int y = 8; y < 12; y++)
        {
            for (int x = 8; x < 12; x++)
            {
                palette[x, y] = new Rgba32(0, 160, 0, 255);
            }
        }

        var (result, image) = await Fix(Base(Bands), Png(palette), Request());

        image.Dispose();
        Assert.True(TestImages.IsNear(new Rgba32(0, 160, 0, 255), ParseHex(result.TargetColor), 2), result.TargetColor);
    }

    [Fact]
    public async Task FixAsync_FullyTransparentPalette_ThrowsInvalidImage()
    {
        var palette = Solid(new Rgba32(10, 20, 30, 0));

        var ex = await Assert.ThrowsAsync<InvalidImageException>(() => Fix(Base(Bands), palette, Request()));

        Assert.Contains("palette_image", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200, 200)]
    [InlineData(220, 150)]
    public async Task FixAsync_ShadowNotBelowLight_ThrowsArgumentException(int shadow, int light)
    {
        var request = Request() with { ShadowThreshold = shadow, LightThreshold = light };

        await Assert.ThrowsAsync<ArgumentException>(() => Fix(Base(Bands), Solid(PaletteBlue), request));
    }

    [Fact]
    public async Task FixAsync_CustomMaskSource_SeparatesAnOpaqueImage()
    {
        using var opaque = new Image<Rgba32>(40, 20, new Rgba32(250, 235, 220, 255));
        var source = new LeftHalfMaskSource();

        var (result, image) = await Fix(Png(opaque), Solid(PaletteBlue), Request(expansion: 0, sigma: 0), source);

        using (image)
        {
            Assert.Equal("left-half", result.MaskSource);
            Assert.Equal(400, result.PersonPixels);
            Assert.Equal(new Rgba32(250, 235, 220, 255), image[19, 10]);
            Assert.NotEqual(new Rgba32(250, 235, 220, 255), image[20, 10]);
            Assert.Equal(255, image[20, 10].A);
        }
    }

    [Fact]
    public async Task FixAsync_MaskOfWrongSize_ThrowsInvalidOperation()
    {
        var source = new FixedMaskSource(new float[3]);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Fix(Base(Bands), Solid(PaletteBlue), Request(), source));
    }

    private sealed class LeftHalfMaskSource : IPersonMaskSource
    {
        public string Name => "left-half";

        public Task<float[]> CreateMaskAsync(Image<Rgba32> baseImage, CancellationToken ct)
        {
            var mask = new float[baseImage.Width * baseImage.Height];
            for (int i = 0; i < mask.Length; i++)
            {
                mask[i] = i % baseImage.Width < baseImage.Width / 2 ? 1f : 0f;
            }

            return Task.FromResult(mask);
        }
    }

    private sealed class FixedMaskSource(float[] mask) : IPersonMaskSource
    {
        public string Name => "fixed";

        public Task<float[]> CreateMaskAsync(Image<Rgba32> baseImage, CancellationToken ct) => Task.FromResult(mask);
    }
}
