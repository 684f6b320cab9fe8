using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;

namespace TaskFunctions.Core.Tasks;

/// <summary>PUT body for an EXPERIMENTAL_FAL task: the common update fields plus the app and its parameters.</summary>
public sealed class ExperimentalFalTaskPublicUpdate : TaskUpdateBase
{
    [MaxLength(FieldLimits.Identifier)]
    public string? FalAppId { get; set; }

    public JsonObject? FalParameters { get; set; }
}
