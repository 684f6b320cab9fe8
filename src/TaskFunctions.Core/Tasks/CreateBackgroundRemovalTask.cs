using System.ComponentModel.DataAnnotations;
using TaskFunctions.Core.Validation;

namespace TaskFunctions.Core.Tasks;

/// <summary>Request body creating a BACKGROUND_REMOVAL task over a batch of images.</summary>
public sealed class CreateBackgroundRemovalTask : CreateTaskBase
{
    /// <summary>Upper bound of one batch; keeps one task's work and blob count bounded.</summary>
    public const int MaxImages = 50;

    public override TaskType TaskType => TaskType.BACKGROUND_REMOVAL;

    /// <summary>Seed rule: required, 1–50 image paths or URLs.</summary>
    [Required]
    [Length(1, MaxImages)]
    public List<string> InputImagePaths { get; set; } = [];

    public override IReadOnlyList<ImageInput> GetImageInputs()
    {
        var inputs = new List<ImageInput>();
        AddListInputs(inputs, "input_image_paths", InputImagePaths, true);
        return inputs;
    }

    public override IEnumerable<ValidationErrorItem> ValidateRules()
    {
        foreach (var error in base.ValidateRules())
        {
            yield return error;
        }

        for (var i = 0; i < InputImagePaths.Count; i++)
        {
            if (InputImagePaths[i].Length == 0)
            {
                yield return ValueError("image path must not be empty", "input_image_paths", i);
            }
        }
    }

    protected override TaskPublicBase CreatePublic(IReadOnlyDictionary<string, string> storedInputPaths) => new BackgroundRemovalTaskPublic
    {
        InputImagePaths = StoredList(storedInputPaths, "input_image_paths", InputImagePaths) ?? [],
    };
}
