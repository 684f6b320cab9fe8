namespace TaskFunctions.Core.Tasks;

/// <summary>Task document of a VIDEO_GENERATION task.</summary>
public sealed class VideoGenerationTaskPublic : TaskPublicBase
{
    public override TaskType TaskType => TaskType.VIDEO_GENERATION;

    public string Prompt { get; set; } = "";

    public string? NegativePrompt { get; set; }

    public int DurationSeconds { get; set; } = 5;

    public double CfgScale { get; set; } = 0.5;

    public string? InputImagePath { get; set; }

    public string? ResultVideoPath { get; set; }
}
