namespace TaskFunctions.Core.Tasks;

/// <summary>PUT body for a BACKGROUND_REMOVAL task: the common update fields only.</summary>
public sealed class BackgroundRemovalTaskPublicUpdate : TaskUpdateBase
{
}
