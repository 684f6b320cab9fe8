using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using TaskFunctions.Core.Validation;

namespace TaskFunctions.Core.Tasks;

/// <summary>Request body creating a GENERATION task (text to image, optional reference image).</summary>
public sealed class CreateGenerationTask : CreateTaskBase
{
    /// <summary>Field name of the reference image in <see cref="GetImageInputs"/> and the stored paths.</summary>
    public const string ReferenceImageField = "reference_image";

    public override TaskType TaskType => TaskType.GENERATION;

    /// <summary>Seed rule: required for GENERATION.</summary>
    [Required]
    [MaxLength(FieldLimits.Text)]
    public string Prompt { get; set; } = "";

    [MaxLength(FieldLimits.Identifier)]
    public string? FalAppId { get; set; }

    [Range(1, 16384)]
    public int? Width { get; set; }

    [Range(1, 16384)]
    public int? Height { get; set; }

    public long? Seed { get; set; }

    [MaxLength(FieldLimits.Url)]
    public string? SubjectModelPath { get; set; }

    [MaxLength(FieldLimits.Url)]
    public string? ProductModelPath { get; set; }

    [MaxLength(FieldLimits.Url)]
    public string? StyleModelPath { get; set; }

    [MaxLength(FieldLimits.Url)]
    public string? Product2ModelPath { get; set; }

    public double? SubjectLoraWeight { get; set; }

    public double? ProductLoraWeight { get; set; }

    public double? StyleLoraWeight { get; set; }

    public double? Product2LoraWeight { get; set; }

    public string? ReferenceImageData { get; set; }

    public string? ReferenceImageUrl { get; set; }

    /// <summary>Seed rule: influence of the reference image, 0–100.</summary>
    [Range(0d, 100d)]
    public double? ReferenceImageStrength { get; set; }

    public override IReadOnlyList<ImageInput> GetImageInputs()
    {
        var reference = FirstNonEmpty(ReferenceImageData, ReferenceImageUrl);
        return reference is null ? [] : [new ImageInput(ReferenceImageField, reference, false)];
    }

    public override IEnumerable<ValidationErrorItem> ValidateRules()
    {
        foreach (var error in base.ValidateRules())
        {
            yield return error;
        }

        if (CountNonEmpty(ReferenceImageData, ReferenceImageUrl) > 1)
        {
            yield return ValueError("Provide either reference_image_data or reference_image_url, not both");
        }
    }

    protected override TaskPublicBase CreatePublic(IReadOnlyDictionary<string, string> storedInputPaths) => new GenerationTaskPublic
    {
        Prompt = Prompt,
        FalAppId = FalAppId,
        Width = Width,
        Height = Height,
        Seed = Seed,
        SubjectModelPath = SubjectModelPath,
        ProductModelPath = ProductModelPath,
        StyleModelPath = StyleModelPath,
        Product2ModelPath = Product2ModelPath,
        SubjectLoraWeight = SubjectLoraWeight,
        ProductLoraWeight = ProductLoraWeight,
        StyleLoraWeight = StyleLoraWeight,
        Product2LoraWeight = Product2LoraWeight,
        ReferenceImageStrength = ReferenceImageStrength,
        ReferenceImagePath = StoredOr(storedInputPaths, ReferenceImageField, FirstNonEmpty(ReferenceImageData, ReferenceImageUrl)),
    };

    /// <summary>The request has no reference-image path field, so the stored path takes the URL slot.</summary>
    protected override void WriteStoredPaths(JsonObject request, IReadOnlyDictionary<string, string> storedInputPaths)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (storedInputPaths.TryGetValue(ReferenceImageField, out var path))
        {
            request["reference_image_url"] = path;
            request["reference_image_data"] = null;
        }
    }
}
