using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;

namespace TaskFunctions.Core.Tasks;

/// <summary>Request body creating an EXPERIMENTAL_FAL task: any FAL app with caller-supplied parameters.</summary>
public sealed class CreateExperimentalFalTask : CreateTaskBase
{
    /// <summary>FAL app ids look like <c>owner/app</c> or <c>owner/app/sub/path</c>.</summary>
    public const string FalAppIdPattern = @"^[A-Za-z0-9][A-Za-z0-9_.\-]*/[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*$";

    public override TaskType TaskType => TaskType.EXPERIMENTAL_FAL;

    /// <summary>Seed rule: required, non-empty, shaped owner/app[/path].</summary>
    [Required]
    [MinLength(1)]
    [RegularExpression(FalAppIdPattern)]
    [MaxLength(FieldLimits.Identifier)]
    public string FalAppId { get; set; } = "";

    /// <summary>Seed rule: optional object passed to the app as-is.</summary>
    public JsonObject? FalParameters { get; set; }

    /// <summary>No image fields: images inside fal_parameters are passed through to FAL untouched.</summary>
    public override IReadOnlyList<ImageInput> GetImageInputs() => [];

    protected override TaskPublicBase CreatePublic(IReadOnlyDictionary<string, string> storedInputPaths) => new ExperimentalFalTaskPublic
    {
        FalAppId = FalAppId,
        FalParameters = FalParameters?.DeepClone(),
    };
}
