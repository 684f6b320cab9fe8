using System.Text;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TaskFunctions.Core.Images;
using TaskFunctions.Core.Images.Quality;

using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Images.Quality;

public class FaceEnhancementLoopTests
{
    private static readonly byte[] Input = QualityImages.PatternPng(64, 64);

    private static FaceEnhancementLoop Loop(double minSsim = 0.85, int maxAttempts = 3) =>
        new(Options.Create(new FaceQualityOptions { MinSsim = minSsim, MaxAttempts = maxAttempts }), new ImageDecodeOptions());

    private static double SsimAgainstInput(byte[] output)
    {
        using var input = Image.Load<Rgba32>(Input);
        using var image = Image.Load<Rgba32>(output);
        return Ssim.Compute(input, image);
    }

    [Fact]
    public void Options_Defaults_AreDocumentedValues()
    {
        var options = new FaceQualityOptions();

        Assert.Equal((0.85, 3, "FaceQuality"), (options.MinSsim, options.MaxAttempts, FaceQualityOptions.SectionName));
    }

    [Fact]
    public async Task RunAsync_FirstAttemptPasses_StopsAfterOne()
    {
        var light = QualityImages.NoisyPng(Input, 3, seed: 1);
        var enhancer = new FakeFaceEnhancer(FakeFaceEnhancer.Output(light), FakeFaceEnhancer.Output(Input));

        var outcome = await Loop().RunAsync(Input, enhancer, CancellationToken.None);

        Assert.Equal([1], enhancer.Attempts);
        Assert.Equal(1, outcome.AttemptsUsed);
        Assert.True(outcome.PassedThreshold);
        Assert.Same(light, outcome.Image);
        Assert.Equal(SsimAgainstInput(light), outcome.FinalSsimScore, 1e-12);
        Assert.InRange(outcome.FinalSsimScore, 0.85, 1.0);
    }

    [Fact]
    public async Task RunAsync_TwoNoisyThenGood_UsesThirdAttempt()
    {
        var heavy1 = QualityImages.NoisyPng(Input, 120, seed: 1);
        var heavy2 = QualityImages.NoisyPng(Input, 120, seed: 2);
        var good = QualityImages.NoisyPng(Input, 3, seed: 3);
        var enhancer = new FakeFaceEnhancer(FakeFaceEnhancer.Output(heavy1), FakeFaceEnhancer.Output(heavy2), FakeFaceEnhancer.Output(good));

        var outcome = await Loop().RunAsync(Input, enhancer, CancellationToken.None);

        Assert.Equal([1, 2, 3], enhancer.Attempts);
        Assert.All(enhancer.Inputs, sent => Assert.Equal(Input, sent));
        Assert.Equal(3, outcome.AttemptsUsed);
        Assert.True(outcome.PassedThreshold);
        Assert.Same(good, outcome.Image);
        Assert.Equal(SsimAgainstInput(good), outcome.FinalSsimScore, 1e-12);
        Assert.True(SsimAgainstInput(heavy1) < 0.85 && SsimAgainstInput(heavy2) < 0.85, "the noisy outputs should fail the gate");
    }

    [Fact]
    public async Task RunAsync_NoAttemptPasses_ReturnsBestWithFailedThreshold()
    {
        var worst = QualityImages.NoisyPng(Input, 150, seed: 1);
        var best = QualityImages.NoisyPng(Input, 60, seed: 2);
        var middle = QualityImages.NoisyPng(Input, 100, seed: 3);
        var enhancer = new FakeFaceEnhancer(
            FakeFaceEnhancer.Output(worst, lpips: 0.5),
            FakeFaceEnhancer.Output(best, lpips: 0.2, dists: 0.1),
            FakeFaceEnhancer.Output(middle, lpips: 0.3));

        var outcome = await Loop().RunAsync(Input, enhancer, CancellationToken.None);

        Assert.Equal([1, 2, 3], enhancer.Attempts);
        Assert.Equal(3, outcome.AttemptsUsed);
        Assert.False(outcome.PassedThreshold);
        Assert.Same(best, outcome.Image);
        Assert.Equal(SsimAgainstInput(best), outcome.FinalSsimScore, 1e-12);
        Assert.True(outcome.FinalSsimScore < 0.85, $"best SSIM {outcome.FinalSsimScore} should be below the gate");
        Assert.Equal((0.2, 0.1), (outcome.FinalLpipsScore, outcome.FinalDistsScore));
    }

    [Fact]
    public async Task RunAsync_MaxAttemptsOption_LimitsCalls()
    {
        var heavy = QualityImages.NoisyPng(Input, 120, seed: 1);
        var enhancer = new FakeFaceEnhancer(FakeFaceEnhancer.Output(heavy), FakeFaceEnhancer.Output(Input));

        var outcome = await Loop(maxAttempts: 1).RunAsync(Input, enhancer, CancellationToken.None);

        Assert.Equal([1], enhancer.Attempts);
        Assert.Equal((1, false), (outcome.AttemptsUsed, outcome.PassedThreshold));
    }

    [Fact]
    public async Task RunAsync_ProviderScores_PassedThroughFromChosenAttempt()
    {
        var enhancer = new FakeFaceEnhancer(FakeFaceEnhancer.Output(Input, lpips: 0.042, dists: 0.0175));

        var outcome = await Loop().RunAsync(Input, enhancer, CancellationToken.None);

        Assert.Equal((0.042, 0.0175), (outcome.FinalLpipsScore, outcome.FinalDistsScore));
    }

    [Fact]
    public async Task RunAsync_ChosenAttemptReportsNoScores_ScoresAreNull()
    {
        var heavy = QualityImages.NoisyPng(Input, 120, seed: 1);
        var enhancer = new FakeFaceEnhancer(FakeFaceEnhancer.Output(heavy, lpips: 0.6, dists: 0.4), FakeFaceEnhancer.Output(Input));

        var outcome = await Loop().RunAsync(Input, enhancer, CancellationToken.None);

        Assert.Equal(2, outcome.AttemptsUsed);
        Assert.Null(outcome.FinalLpipsScore);
        Assert.Null(outcome.FinalDistsScore);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RunAsync_FaceDetectedReported_PassedThrough(bool detected)
    {
        var enhancer = new FakeFaceEnhancer(FakeFaceEnhancer.Output(Input, faceDetected: detected));

        var outcome = await Loop().RunAsync(Input, enhancer, CancellationToken.None);

        Assert.Equal(detected, outcome.FaceDetected);
    }

    [Fact]
    public async Task RunAsync_FaceDetectedNeverReported_IsNull()
    {
        var heavy = QualityImages.NoisyPng(Input, 120, seed: 1);
        var enhancer = new FakeFaceEnhancer(FakeFaceEnhancer.Output(heavy), FakeFaceEnhancer.Output(Input));

        var outcome = await Loop().RunAsync(Input, enhancer, CancellationToken.None);

        Assert.Null(outcome.FaceDetected);
    }

    [Fact]
    public async Task RunAsync_OnlyEarlierAttemptReportsFace_UsesThatVerdict()
    {
        var heavy = QualityImages.NoisyPng(Input, 120, seed: 1);
        var enhancer = new FakeFaceEnhancer(FakeFaceEnhancer.Output(heavy, faceDetected: true), FakeFaceEnhancer.Output(Input));

        var outcome = await Loop().RunAsync(Input, enhancer, CancellationToken.None);

        Assert.Equal((2, true), (outcome.AttemptsUsed, outcome.FaceDetected));
    }

    [Fact]
    public async Task RunAsync_UpscaledOutput_ScoredAtInputSize()
    {
        using var image = Image.Load<Rgba32>(Input);
        using var upscaled = image.Clone(context => context.Resize(128, 128));
        var output = TestImages.Png(upscaled);
        var enhancer = new FakeFaceEnhancer(FakeFaceEnhancer.Output(output));

        var outcome = await Loop().RunAsync(Input, enhancer, CancellationToken.None);

        Assert.Equal((1, true), (outcome.AttemptsUsed, outcome.PassedThreshold));
        Assert.Same(output, outcome.Image);
    }

    [Fact]
    public async Task RunAsync_InvalidEnhancerOutput_ThrowsInvalidImageWithAttempt()
    {
        var heavy = QualityImages.NoisyPng(Input, 120, seed: 1);
        var enhancer = new FakeFaceEnhancer(FakeFaceEnhancer.Output(heavy), FakeFaceEnhancer.Output(Encoding.ASCII.GetBytes("<html>rate limited</html>")));

        var error = await Assert.ThrowsAsync<InvalidImageException>(() => Loop().RunAsync(Input, enhancer, CancellationToken.None));

        Assert.Equal("face enhancer output for attempt 2 is not a usable image: unsupported image format (SVG/XML); use PNG, JPEG or WebP", error.Message);
        Assert.IsType<InvalidImageException>(error.InnerException);
    }

    [Fact]
    public async Task RunAsync_TruncatedEnhancerOutput_ThrowsInvalidImage()
    {
        var enhancer = new FakeFaceEnhancer(FakeFaceEnhancer.Output(Input[..(Input.Length / 2)]));

        var error = await Assert.ThrowsAsync<InvalidImageException>(() => Loop().RunAsync(Input, enhancer, CancellationToken.None));

        Assert.Equal("face enhancer output for attempt 1 is not a usable image: image data is truncated or corrupt", error.Message);
    }

    [Fact]
    public async Task RunAsync_InvalidInput_ThrowsBeforeCallingEnhancer()
    {
        var enhancer = new FakeFaceEnhancer(FakeFaceEnhancer.Output(Input));

        await Assert.ThrowsAsync<InvalidImageException>(() => Loop().RunAsync([1, 2, 3], enhancer, CancellationToken.None));

        Assert.Empty(enhancer.Attempts);
    }
}
