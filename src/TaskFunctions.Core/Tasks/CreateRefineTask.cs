using System.ComponentModel.DataAnnotations;
using TaskFunctions.Core.Validation;

namespace TaskFunctions.Core.Tasks;

/// <summary>Request body creating a REFINE task (upscale and/or face-detail pass over an image).</summary>
public sealed class CreateRefineTask : CreateTaskBase
{
    public override TaskType TaskType => TaskType.REFINE;

    /// <summary>Seed rule: required for REFINE.</summary>
    [Required]
    [MinLength(1)]
    public string BaseImageUrl { get; set; } = "";

    [MaxLength(FieldLimits.Identifier)]
    public string? FalAppId { get; set; }

    public bool UpscaleEnabled { get; set; } = true;

    /// <summary>Seed rule: 0 &lt; factor ≤ 8; absent means "use target size" (OUTPUT_SIZE capability).</summary>
    [Range(0d, 8d, MinimumIsExclusive = true)]
    public double? UpscaleFactor { get; set; }

    [MaxLength(FieldLimits.Text)]
    public string? UpscalePrompt { get; set; }

    public long? UpscaleSeed { get; set; }

    [Range(1, 150)]
    public int UpscaleSteps { get; set; } = 18;

    [Range(0d, 1d)]
    public double UpscaleDenoise { get; set; } = 0.35;

    public bool FaceDetailEnabled { get; set; }

    [MaxLength(FieldLimits.Text)]
    public string? FaceDetailPrompt { get; set; }

    public long? FaceDetailSeed { get; set; }

    [Range(1, 150)]
    public int FaceDetailSteps { get; set; } = 20;

    [Range(0d, 1d)]
    public double FaceDetailDenoise { get; set; } = 0.5;

    [Range(1, 16384)]
    public int? TargetWidth { get; set; }

    [Range(1, 16384)]
    public int? TargetHeight { get; set; }

    public override IReadOnlyList<ImageInput> GetImageInputs() =>
        [new ImageInput("base_image_url", BaseImageUrl, false)];

    public override IEnumerable<ValidationErrorItem> ValidateRules()
    {
        foreach (var error in base.ValidateRules())
        {
            yield return error;
        }

        if (!UpscaleEnabled && !FaceDetailEnabled)
        {
            yield return ValueError("at least one of upscale_enabled and face_detail_enabled must be true");
        }

        // The spec's capability rule, checked here when the caller states what its provider can do.
        if (ActiveProviderCapabilities is { } capabilities
            && RefineUpscaleMode.Refusal(UpscaleFactor, UpscaleEnabled, capabilities) is { } refusal)
        {
            yield return ValueError(refusal, "upscale_factor");
        }
    }

    protected override TaskPublicBase CreatePublic(IReadOnlyDictionary<string, string> storedInputPaths) => new RefineTaskPublic
    {
        FalAppId = FalAppId,
        UpscaleFactor = UpscaleFactor,
        UpscaleSeed = UpscaleSeed,
        UpscaleSteps = UpscaleSteps,
        UpscaleDenoise = UpscaleDenoise,
        FaceDetailSeed = FaceDetailSeed,
        FaceDetailSteps = FaceDetailSteps,
        FaceDetailDenoise = FaceDetailDenoise,
        TargetWidth = TargetWidth,
        TargetHeight = TargetHeight,
    };
}
