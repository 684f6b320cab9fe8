using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Images.BackgroundFix;

/// <summary>What a BACKGROUND_FIX task asks for: the recolour strategy, the person-mask padding and the brightness ramp.</summary>
/// <param name="Strategy">How background colours move towards the palette colour.</param>
/// <param name="MaskExpansionPercentage">Person-mask dilation as a fraction (0–1) of the image's longer side.</param>
/// <param name="EdgeBlurSigma">Gaussian σ in pixels softening the mask edge; 0 keeps a hard edge.</param>
/// <param name="ShadowThreshold">Luma (0–255) at or below which a background pixel is left as it is.</param>
/// <param name="LightThreshold">Luma (0–255) at or above which a background pixel gets the full shift.</param>
public sealed record BackgroundFixRequest(
    BackgroundFixStrategy Strategy,
    double MaskExpansionPercentage,
    double EdgeBlurSigma,
    int ShadowThreshold,
    int LightThreshold)
{
    /// <summary>Takes the processing fields of a validated task request.</summary>
    /// <exception cref="ArgumentException">A field is out of range, or the shadow threshold is not below the light one.</exception>
    public static BackgroundFixRequest From(CreateBackgroundFixTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var request = new BackgroundFixRequest(
            task.Strategy, task.MaskExpansionPercentage, task.EdgeBlurSigma, task.ShadowThreshold, task.LightThreshold);
        request.ThrowIfInvalid();
        return request;
    }

    /// <summary>Checks the ranges the API validates, again: the record can be built (or copied with <c>with</c>) directly.</summary>
    internal void ThrowIfInvalid()
    {
        if (!Enum.IsDefined(Strategy))
        {
            throw new ArgumentException($"Unknown background fix strategy '{Strategy}'.", nameof(Strategy));
        }

        if (!(MaskExpansionPercentage is >= 0 and <= 1))
        {
            throw new ArgumentException("mask_expansion_percentage must be between 0 and 1.", nameof(MaskExpansionPercentage));
        }

        if (!double.IsFinite(EdgeBlurSigma) || EdgeBlurSigma < 0)
        {
            throw new ArgumentException("edge_blur_sigma must be a finite number ≥ 0.", nameof(EdgeBlurSigma));
        }

        if (ShadowThreshold is < 0 or > 255 || LightThreshold is < 0 or > 255)
        {
            throw new ArgumentException("shadow_threshold and light_threshold must be between 0 and 255.", nameof(ShadowThreshold));
        }

        // The shift ramps between the two thresholds; an empty or inverted ramp has no meaning.
        if (ShadowThreshold >= LightThreshold)
        {
            throw new ArgumentException("shadow_threshold must be less than light_threshold.", nameof(ShadowThreshold));
        }
    }
}
