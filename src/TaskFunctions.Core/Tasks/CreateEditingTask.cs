using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using TaskFunctions.Core.Validation;

namespace TaskFunctions.Core.Tasks;

/// <summary>Request body creating an EDITING task (prompted edit of a base image, optional reference images).</summary>
public sealed class CreateEditingTask : CreateTaskBase
{
    public override TaskType TaskType => TaskType.EDITING;

    /// <summary>Seed rule: required for EDITING.</summary>
    [Required]
    [MaxLength(FieldLimits.Text)]
    public string Prompt { get; set; } = "";

    /// <summary>Seed rule: required unless the deprecated base_image_data/base_image_url is given (never both).</summary>
    public string? BaseImage { get; set; }

    public string? BaseImageData { get; set; }

    public string? BaseImageUrl { get; set; }

    [MaxLength(FieldLimits.Identifier)]
    public string? FalAppId { get; set; }

    [Range(1, 16384)]
    public int Width { get; set; } = 1024;

    [Range(1, 16384)]
    public int Height { get; set; } = 1024;

    public long? Seed { get; set; }

    [MaxLength(FieldLimits.Identifier)]
    public string? WorkflowId { get; set; }

    public List<string>? ReferenceImages { get; set; }

    public string? ReferenceImageData { get; set; }

    public string? ReferenceImageUrl { get; set; }

    public override IReadOnlyList<ImageInput> GetImageInputs()
    {
        var inputs = new List<ImageInput>();
        var baseImage = FirstNonEmpty(BaseImage, BaseImageData, BaseImageUrl);
        if (baseImage is not null)
        {
            inputs.Add(new ImageInput("base_image", baseImage, false));
        }

        if (ReferenceImages is { Count: > 0 })
        {
            AddListInputs(inputs, "reference_images", ReferenceImages, false);
        }
        else if (FirstNonEmpty(ReferenceImageData, ReferenceImageUrl) is { } reference)
        {
            inputs.Add(new ImageInput(ImageInput.ListField("reference_images", 0), reference, false));
        }

        return inputs;
    }

    public override IEnumerable<ValidationErrorItem> ValidateRules()
    {
        foreach (var error in base.ValidateRules())
        {
            yield return error;
        }

        var baseCount = CountNonEmpty(BaseImage, BaseImageData, BaseImageUrl);
        if (baseCount == 0)
        {
            // Reported where the client must act, as pydantic reports a missing field.
            yield return ValidationErrorItem.Body("Field required", "missing", "base_image");
        }
        else if (baseCount > 1)
        {
            yield return ValueError("Provide only one of base_image, base_image_data (deprecated) or base_image_url (deprecated)");
        }

        var deprecatedReferences = CountNonEmpty(ReferenceImageData, ReferenceImageUrl);
        if (deprecatedReferences > 1 || (deprecatedReferences == 1 && ReferenceImages is { Count: > 0 }))
        {
            yield return ValueError("Provide only one of reference_images, reference_image_data (deprecated) or reference_image_url (deprecated)");
        }

        if (ReferenceImages is not null)
        {
            for (var i = 0; i < ReferenceImages.Count; i++)
            {
                if (ReferenceImages[i].Length == 0)
                {
                    yield return ValueError("reference image must not be empty", "reference_images", i);
                }
            }
        }
    }

    protected override TaskPublicBase CreatePublic(IReadOnlyDictionary<string, string> storedInputPaths)
    {
        var references = GetImageInputs()
            .Where(i => i.Field.StartsWith("reference_images[", StringComparison.Ordinal))
            .Select(i => StoredOr(storedInputPaths, i.Field, i.Value)!)
            .ToList();
        return new EditingTaskPublic
        {
            Prompt = Prompt,
            FalAppId = FalAppId,
            Width = Width,
            Height = Height,
            Seed = Seed,
            WorkflowId = WorkflowId,
            BaseImagePath = StoredOr(storedInputPaths, "base_image", FirstNonEmpty(BaseImage, BaseImageData, BaseImageUrl)) ?? "",
            ReferenceImages = references.Count > 0 ? references : null,
            ReferenceImagePath = references.Count > 0 ? references[0] : null,
        };
    }

    /// <summary>Deprecated fields are folded into base_image / reference_images, so the stored request has one source.</summary>
    protected override void WriteStoredPaths(JsonObject request, IReadOnlyDictionary<string, string> storedInputPaths)
    {
        ArgumentNullException.ThrowIfNull(request);
        base.WriteStoredPaths(request, storedInputPaths);
        if (storedInputPaths.ContainsKey("base_image"))
        {
            request["base_image_data"] = null;
            request["base_image_url"] = null;
        }

        if (storedInputPaths.ContainsKey(ImageInput.ListField("reference_images", 0)))
        {
            request["reference_image_data"] = null;
            request["reference_image_url"] = null;
        }
    }
}
