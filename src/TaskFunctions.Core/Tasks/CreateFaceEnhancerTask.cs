using System.ComponentModel.DataAnnotations;

namespace TaskFunctions.Core.Tasks;

/// <summary>Request body creating a FACE_ENHANCER task.</summary>
public sealed class CreateFaceEnhancerTask : CreateTaskBase
{
    public override TaskType TaskType => TaskType.FACE_ENHANCER;

    /// <summary>Seed rule: required.</summary>
    [Required]
    [MinLength(1)]
    public string InputImage { get; set; } = "";

    public override IReadOnlyList<ImageInput> GetImageInputs() =>
        [new ImageInput("input_image", InputImage, false)];

    protected override TaskPublicBase CreatePublic(IReadOnlyDictionary<string, string> storedInputPaths) => new FaceEnhancerTaskPublic
    {
        InputImagePath = StoredOr(storedInputPaths, "input_image", InputImage)!,
    };
}
