namespace TaskFunctions.Core.Tasks;

/// <summary>Task document of a GENERATION task.</summary>
public sealed class GenerationTaskPublic : TaskPublicBase
{
    public override TaskType TaskType => TaskType.GENERATION;

    public string? Prompt { get; set; }

    public string? WorkflowId { get; set; }

    public int? Width { get; set; }

    public int? Height { get; set; }

    public long? Seed { get; set; }

    public string? SubjectModelPath { get; set; }

    public string? ProductModelPath { get; set; }

    public string? StyleModelPath { get; set; }

    public string? Product2ModelPath { get; set; }

    public double? SubjectLoraWeight { get; set; }

    public double? ProductLoraWeight { get; set; }

    public double? StyleLoraWeight { get; set; }

    public double? Product2LoraWeight { get; set; }

    public string? ReferenceImagePath { get; set; }

    public double? ReferenceImageStrength { get; set; }

    public string? ResultImagePath { get; set; }

    public string? FalAppId { get; set; }

    public string? FalRequestId { get; set; }
}
