using System.ComponentModel.DataAnnotations;
using TaskFunctions.Core.Validation;

namespace TaskFunctions.Core.Tasks;

/// <summary>Request body creating a BACKGROUND_FIX task (recolour the background of a photo towards a palette).</summary>
public sealed class CreateBackgroundFixTask : CreateTaskBase
{
    public override TaskType TaskType => TaskType.BACKGROUND_FIX;

    /// <summary>Seed rule: required; local paths allowed.</summary>
    [Required]
    [MinLength(1)]
    public string BaseImage { get; set; } = "";

    /// <summary>Seed rule: required; local paths allowed.</summary>
    [Required]
    [MinLength(1)]
    public string PaletteImage { get; set; } = "";

    public BackgroundFixStrategy Strategy { get; set; } = BackgroundFixStrategy.HSV_SHIFT;

    /// <summary>Seed rule: 0–1, default 0.005 (0.5 %).</summary>
    [Range(0d, 1d)]
    public double MaskExpansionPercentage { get; set; } = 0.005;

    /// <summary>Seed rule: ≥ 0, default 20.</summary>
    [Range(0d, double.MaxValue)]
    public double EdgeBlurSigma { get; set; } = 20.0;

    /// <summary>Seed rule: 0–255, default 150, below light_threshold.</summary>
    [Range(0, 255)]
    public int ShadowThreshold { get; set; } = 150;

    /// <summary>Seed rule: 0–255, default 220.</summary>
    [Range(0, 255)]
    public int LightThreshold { get; set; } = 220;

    public override IReadOnlyList<ImageInput> GetImageInputs() =>
        [new ImageInput("base_image", BaseImage, true), new ImageInput("palette_image", PaletteImage, true)];

    public override IEnumerable<ValidationErrorItem> ValidateRules()
    {
        foreach (var error in base.ValidateRules())
        {
            yield return error;
        }

        // The colour shift ramps between the two thresholds; an empty or inverted ramp is meaningless.
        if (ShadowThreshold >= LightThreshold)
        {
            yield return ValueError("shadow_threshold must be less than light_threshold");
        }
    }

    protected override TaskPublicBase CreatePublic(IReadOnlyDictionary<string, string> storedInputPaths) => new BackgroundFixTaskPublic
    {
        BaseImagePath = StoredOr(storedInputPaths, "base_image", BaseImage)!,
        PaletteImagePath = StoredOr(storedInputPaths, "palette_image", PaletteImage)!,
        Strategy = Strategy,
        MaskExpansionPercentage = MaskExpansionPercentage,
        EdgeBlurSigma = EdgeBlurSigma,
        ShadowThreshold = ShadowThreshold,
        LightThreshold = LightThreshold,
    };
}
