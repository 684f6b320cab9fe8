using System.ComponentModel.DataAnnotations;

namespace TaskFunctions.Core.Images.Quality;

/// <summary>Quality gate for face enhancement (section <c>FaceQuality</c>).</summary>
public sealed class FaceQualityOptions
{
    public const string SectionName = "FaceQuality";

    /// <summary>
    /// Lowest SSIM against the input that an enhanced image may have and still count as the same face.
    /// </summary>
    /// <remarks>
    /// Enhancement should sharpen and clean up, not redraw: a restorer that hallucinates a different nose or
    /// eyes changes the structure SSIM measures, so a low score means identity was not preserved. 0.85 lets
    /// genuine detail and denoising through while refusing outputs whose structure drifted; 1 would demand
    /// an unchanged image, values at or below 0 accept anything.
    /// </remarks>
    [Range(-1.0, 1.0)]
    public double MinSsim { get; set; } = 0.85;

    /// <summary>Provider calls per task before the best output so far is accepted as it is.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;
}
