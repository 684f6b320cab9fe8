using System.ComponentModel.DataAnnotations;
using TaskFunctions.Core.Validation;

namespace TaskFunctions.Core.Tasks;

/// <summary>Request body creating an IMAGE_ADJUSTER task (reframe an image to a size or aspect ratio).</summary>
public sealed class CreateImageAdjusterTask : CreateTaskBase
{
    public override TaskType TaskType => TaskType.IMAGE_ADJUSTER;

    /// <summary>Seed rule: required; local paths allowed.</summary>
    [Required]
    [MinLength(1)]
    public string InputImage { get; set; } = "";

    /// <summary>Optional image the subject margins are derived from; local paths allowed.</summary>
    public string? ReferenceImage { get; set; }

    [AllowedValues("auto", "crop", "pad", "scale")]
    public string Mode { get; set; } = "auto";

    /// <summary>Seed rule: given together with target_height, positive, ≤ 16384.</summary>
    [Range(1, 16384)]
    public int? TargetWidth { get; set; }

    /// <summary>Seed rule: given together with target_width, positive, ≤ 16384.</summary>
    [Range(1, 16384)]
    public int? TargetHeight { get; set; }

    /// <summary>Seed rule: width/height &gt; 0; exclusive with the target size.</summary>
    [Range(0d, double.MaxValue, MinimumIsExclusive = true)]
    public double? AspectRatio { get; set; }

    [Range(0d, 1d)]
    public double? MarginTop { get; set; }

    [Range(0d, 1d)]
    public double? MarginBottom { get; set; }

    [Range(0d, 1d)]
    public double? MarginLeft { get; set; }

    [Range(0d, 1d)]
    public double? MarginRight { get; set; }

    [Range(0d, 1d)]
    public double Tolerance { get; set; }

    [AllowedValues("center", "top", "bottom", "left", "right", "top_left", "top_right", "bottom_left", "bottom_right")]
    public string CroppingPosition { get; set; } = "center";

    /// <summary>One of <see cref="ImageResamplers.Names"/> (a test keeps the two lists equal).</summary>
    [AllowedValues(
        "lanczos", "bicubic", "bilinear", "nearest", "box", "catmull_rom", "hermite", "lanczos2", "lanczos3",
        "lanczos5", "lanczos8", "mitchell_netravali", "robidoux", "robidoux_sharp", "spline", "triangle", "welch")]
    public string Resampling { get; set; } = ImageResamplers.Default;

    [AllowedValues("height", "width", "fit", "fill")]
    public string? ScalingProportions { get; set; }

    public override IReadOnlyList<ImageInput> GetImageInputs()
    {
        var inputs = new List<ImageInput> { new("input_image", InputImage, true) };
        if (!string.IsNullOrEmpty(ReferenceImage))
        {
            inputs.Add(new ImageInput("reference_image", ReferenceImage, true));
        }

        return inputs;
    }

    public override IEnumerable<ValidationErrorItem> ValidateRules()
    {
        foreach (var error in base.ValidateRules())
        {
            yield return error;
        }

        var hasWidth = TargetWidth is not null;
        var hasHeight = TargetHeight is not null;
        if (hasWidth != hasHeight)
        {
            yield return ValueError("target_width and target_height must be given together");
        }
        else if (hasWidth && AspectRatio is not null)
        {
            yield return ValueError("Use either aspect_ratio or target_width/target_height, not both");
        }
        else if (!hasWidth && AspectRatio is null)
        {
            yield return ValueError("Either aspect_ratio or target_width/target_height is required");
        }

        // Margins are fractions of the final size: opposite margins summing to 1 leave no room for the subject.
        if ((MarginTop ?? 0) + (MarginBottom ?? 0) >= 1)
        {
            yield return ValueError("margin_top + margin_bottom must be less than 1");
        }

        if ((MarginLeft ?? 0) + (MarginRight ?? 0) >= 1)
        {
            yield return ValueError("margin_left + margin_right must be less than 1");
        }
    }

    protected override TaskPublicBase CreatePublic(IReadOnlyDictionary<string, string> storedInputPaths) => new ImageAdjusterTaskPublic
    {
        InputImagePath = StoredOr(storedInputPaths, "input_image", InputImage)!,
        ReferenceImagePath = string.IsNullOrEmpty(ReferenceImage) ? null : StoredOr(storedInputPaths, "reference_image", ReferenceImage),
        Mode = Mode,
        TargetWidth = TargetWidth,
        TargetHeight = TargetHeight,
        AspectRatio = AspectRatio,
        MarginTop = MarginTop,
        MarginBottom = MarginBottom,
        MarginLeft = MarginLeft,
        MarginRight = MarginRight,
        Tolerance = Tolerance,
        CroppingPosition = CroppingPosition,
        Resampling = Resampling,
        ScalingProportions = ScalingProportions,
    };
}
