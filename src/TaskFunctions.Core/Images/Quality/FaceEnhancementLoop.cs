using System.Globalization;
using Microsoft.Extensions.Options;

namespace TaskFunctions.Core.Images.Quality;

/// <summary>Calls a face enhancer until an output keeps the input's structure (SSIM ≥ <see cref="FaceQualityOptions.MinSsim"/>).</summary>
/// <remarks>
/// SSIM is the gate because the one thing an enhancer must not do is change who is in the picture: it compares
/// local luminance, contrast and structure, which is where a restorer's hallucinated features show up, while
/// staying cheap and deterministic (no model to host). Provider-reported LPIPS/DISTS are perceptual and passed
/// through for callers, but they are optional and not comparable across providers, so they never decide.
/// Enhancers are stochastic, so a refused output is retried; after <see cref="FaceQualityOptions.MaxAttempts"/>
/// the most similar output is returned with <see cref="FaceEnhancementOutcome.PassedThreshold"/> false, leaving
/// the decision to fail or deliver to the caller.
/// The durable workflow runs the same gate with each attempt a provider job (<c>TaskOrchestration</c>'s quality loop)
/// and <see cref="SimilarityAsync"/> as its scoring step.
/// </remarks>
public sealed class FaceEnhancementLoop(IOptions<FaceQualityOptions> options, ImageDecodeOptions decodeOptions)
{
    /// <summary>Runs up to MaxAttempts enhancements of <paramref name="input"/> and picks the output to keep.</summary>
    /// <exception cref="InvalidImageException">The input or an enhancer output is not an acceptable image.</exception>
    public async Task<FaceEnhancementOutcome> RunAsync(byte[] input, IFaceEnhancer enhancer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(enhancer);
        var settings = options.Value;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.MaxAttempts);

        int width;
        int height;
        float[] inputLuma;
        using (var source = await SafeImageDecoder.DecodeAsync(new MemoryStream(input, writable: false), decodeOptions, ct))
        {
            (width, height) = (source.Width, source.Height);
            inputLuma = Ssim.LumaPlane(source, width, height);
        }

        FaceEnhancement? best = null;
        double bestSsim = double.NegativeInfinity;
        bool? faceDetected = null;
        int attempt = 0;
        while (attempt < settings.MaxAttempts)
        {
            ct.ThrowIfCancellationRequested();
            attempt++;
            var enhancement = await enhancer.EnhanceAsync(new MemoryStream(input, writable: false), attempt, ct)
                ?? throw new InvalidOperationException($"face enhancer returned no result for attempt {attempt}");
            faceDetected = enhancement.FaceDetected ?? faceDetected;

            double ssim = await ScoreAsync(enhancement, attempt, inputLuma, width, height, ct);
            if (ssim > bestSsim)
            {
                (best, bestSsim) = (enhancement, ssim);
            }

            if (ssim >= settings.MinSsim)
            {
                break;
            }
        }

        // The chosen output's own verdict wins; otherwise any attempt's, as detection describes the shared input.
        return new FaceEnhancementOutcome(
            best!.Image,
            attempt,
            bestSsim,
            best.LpipsScore,
            best.DistsScore,
            best.FaceDetected ?? faceDetected,
            bestSsim >= settings.MinSsim);
    }

    /// <summary>
    /// SSIM of an enhancer's <paramref name="output"/> against its <paramref name="input"/> on luma, the output brought to the
    /// input's size first (enhancers often upscale) — the gate each quality-loop attempt is judged by.
    /// </summary>
    /// <exception cref="InvalidImageException">Either image is not acceptable.</exception>
    public async Task<double> SimilarityAsync(byte[] input, byte[] output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        using var source = await SafeImageDecoder.DecodeAsync(new MemoryStream(input, writable: false), decodeOptions, ct);
        using var enhanced = await SafeImageDecoder.DecodeAsync(new MemoryStream(output, writable: false), decodeOptions, ct);
        var inputLuma = Ssim.LumaPlane(source, source.Width, source.Height);
        var outputLuma = Ssim.LumaPlane(enhanced, source.Width, source.Height);
        return Ssim.Compute(inputLuma, outputLuma, source.Width, source.Height);
    }

    private async Task<double> ScoreAsync(
        FaceEnhancement enhancement, int attempt, float[] inputLuma, int width, int height, CancellationToken ct)
    {
        if (enhancement.Image is null)
        {
            throw new InvalidImageException(Describe(attempt, "image data is empty"));
        }

        try
        {
            using var output = await SafeImageDecoder.DecodeAsync(new MemoryStream(enhancement.Image, writable: false), decodeOptions, ct);

            // Enhancers often upscale; the output is brought to the input's size so the windows compare like with like.
            var outputLuma = Ssim.LumaPlane(output, width, height);
            return Ssim.Compute(inputLuma, outputLuma, width, height);
        }
        catch (InvalidImageException ex)
        {
            throw new InvalidImageException(Describe(attempt, ex.Message), ex);
        }
    }

    private static string Describe(int attempt, string reason) =>
        string.Create(CultureInfo.InvariantCulture, $"face enhancer output for attempt {attempt} is not a usable image: {reason}");
}
