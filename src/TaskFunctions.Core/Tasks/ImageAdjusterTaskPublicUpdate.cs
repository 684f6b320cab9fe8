namespace TaskFunctions.Core.Tasks;

/// <summary>PUT body for an IMAGE_ADJUSTER task: the common update fields only.</summary>
public sealed class ImageAdjusterTaskPublicUpdate : TaskUpdateBase
{
}
