using System.Text.Json.Nodes;

namespace TaskFunctions.Core.Tasks;

/// <summary>Task document of an EXPERIMENTAL_FAL task.</summary>
public sealed class ExperimentalFalTaskPublic : TaskPublicBase
{
    public override TaskType TaskType => TaskType.EXPERIMENTAL_FAL;

    public string FalAppId { get; set; } = "";

    public JsonNode? FalParameters { get; set; }

    public string? FalRequestId { get; set; }

    public string? ResultUrl { get; set; }
}
