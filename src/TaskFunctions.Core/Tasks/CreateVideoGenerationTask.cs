using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using TaskFunctions.Core.Validation;

namespace TaskFunctions.Core.Tasks;

/// <summary>Request body creating a VIDEO_GENERATION task (text or image to video).</summary>
public sealed class CreateVideoGenerationTask : CreateTaskBase
{
    /// <summary>Field name of the optional input image in <see cref="GetImageInputs"/> and the stored paths.</summary>
    public const string InputImageField = "input_image";

    public override TaskType TaskType => TaskType.VIDEO_GENERATION;

    /// <summary>Seed rule: required for VIDEO_GENERATION.</summary>
    [Required]
    [MaxLength(FieldLimits.Text)]
    public string Prompt { get; set; } = "";

    [MaxLength(FieldLimits.Text)]
    public string? NegativePrompt { get; set; }

    /// <summary>Seed rule: 1–60 seconds, default 5.</summary>
    [Range(1, 60)]
    public int DurationSeconds { get; set; } = 5;

    /// <summary>Seed rule: 0–2, default 0.5.</summary>
    [Range(0d, 2d)]
    public double CfgScale { get; set; } = 0.5;

    public string? InputImageData { get; set; }

    public string? InputImageUrl { get; set; }

    public override IReadOnlyList<ImageInput> GetImageInputs()
    {
        var image = FirstNonEmpty(InputImageData, InputImageUrl);
        return image is null ? [] : [new ImageInput(InputImageField, image, false)];
    }

    public override IEnumerable<ValidationErrorItem> ValidateRules()
    {
        foreach (var error in base.ValidateRules())
        {
            yield return error;
        }

        if (CountNonEmpty(InputImageData, InputImageUrl) > 1)
        {
            yield return ValueError("Provide either input_image_data or input_image_url, not both");
        }
    }

    protected override TaskPublicBase CreatePublic(IReadOnlyDictionary<string, string> storedInputPaths) => new VideoGenerationTaskPublic
    {
        Prompt = Prompt,
        NegativePrompt = NegativePrompt,
        DurationSeconds = DurationSeconds,
        CfgScale = CfgScale,
        InputImagePath = StoredOr(storedInputPaths, InputImageField, FirstNonEmpty(InputImageData, InputImageUrl)),
    };

    /// <summary>The request has no input-image path field, so the stored path takes the URL slot.</summary>
    protected override void WriteStoredPaths(JsonObject request, IReadOnlyDictionary<string, string> storedInputPaths)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (storedInputPaths.TryGetValue(InputImageField, out var path))
        {
            request["input_image_url"] = path;
            request["input_image_data"] = null;
        }
    }
}
