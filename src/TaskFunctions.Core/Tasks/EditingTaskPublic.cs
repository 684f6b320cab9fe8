namespace TaskFunctions.Core.Tasks;

/// <summary>Task document of an EDITING task.</summary>
public sealed class EditingTaskPublic : TaskPublicBase
{
    public override TaskType TaskType => TaskType.EDITING;

    public string? Prompt { get; set; }

    public string? WorkflowId { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }

    public long? Seed { get; set; }

    public string BaseImagePath { get; set; } = "";

    public string? ReferenceImagePath { get; set; }

    public List<string>? ReferenceImages { get; set; }

    public string? ResultImagePath { get; set; }

    public string? FalAppId { get; set; }

    public string? FalRequestId { get; set; }
}
