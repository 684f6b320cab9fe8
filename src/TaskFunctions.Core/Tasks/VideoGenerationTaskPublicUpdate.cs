namespace TaskFunctions.Core.Tasks;

/// <summary>PUT body for a VIDEO_GENERATION task: the common update fields only.</summary>
public sealed class VideoGenerationTaskPublicUpdate : TaskUpdateBase
{
}
