using System.ComponentModel.DataAnnotations;
using TaskFunctions.Core.Validation;

namespace TaskFunctions.Core.Tasks;

/// <summary>Request body creating an LLM_INTERACTION task (prompt, optional system prompt and images).</summary>
public sealed class CreateLLMInteractionTask : CreateTaskBase
{
    public override TaskType TaskType => TaskType.LLM_INTERACTION;

    /// <summary>Seed rule: required for LLM_INTERACTION.</summary>
    [Required]
    [MaxLength(FieldLimits.Text)]
    public string Prompt { get; set; } = "";

    [MaxLength(FieldLimits.Text)]
    public string? SystemPrompt { get; set; }

    /// <summary>Image paths/URLs; the schema calls them paths, so local paths are allowed (below the configured root).</summary>
    public List<string>? InputImages { get; set; }

    public override IReadOnlyList<ImageInput> GetImageInputs()
    {
        var inputs = new List<ImageInput>();
        AddListInputs(inputs, "input_images", InputImages, true);
        return inputs;
    }

    public override IEnumerable<ValidationErrorItem> ValidateRules()
    {
        foreach (var error in base.ValidateRules())
        {
            yield return error;
        }

        for (var i = 0; i < (InputImages?.Count ?? 0); i++)
        {
            if (InputImages![i].Length == 0)
            {
                yield return ValueError("image must not be empty", "input_images", i);
            }
        }
    }

    protected override TaskPublicBase CreatePublic(IReadOnlyDictionary<string, string> storedInputPaths) => new LLMInteractionTaskPublic
    {
        Prompt = Prompt,
        SystemPrompt = SystemPrompt,
        InputImages = StoredList(storedInputPaths, "input_images", InputImages),
    };
}
