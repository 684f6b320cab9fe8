using System.ComponentModel.DataAnnotations;

namespace TaskFunctions.Core.Tasks;

/// <summary>Request body creating a DETAIL_ENHANCER task (transfer detail from a reference onto a base image).</summary>
public sealed class CreateDetailEnhancerTask : CreateTaskBase
{
    public override TaskType TaskType => TaskType.DETAIL_ENHANCER;

    /// <summary>Seed rule: required.</summary>
    [Required]
    [MinLength(1)]
    public string BaseImage { get; set; } = "";

    /// <summary>Seed rule: required.</summary>
    [Required]
    [MinLength(1)]
    public string ReferenceImage { get; set; } = "";

    [MaxLength(FieldLimits.Identifier)]
    public string? DetailLabel { get; set; }

    public override IReadOnlyList<ImageInput> GetImageInputs() =>
        [new ImageInput("base_image", BaseImage, false), new ImageInput("reference_image", ReferenceImage, false)];

    protected override TaskPublicBase CreatePublic(IReadOnlyDictionary<string, string> storedInputPaths) => new DetailEnhancerTaskPublic
    {
        DetailLabel = DetailLabel,
        BaseImagePath = StoredOr(storedInputPaths, "base_image", BaseImage)!,
        ReferenceImagePath = StoredOr(storedInputPaths, "reference_image", ReferenceImage)!,
    };
}
