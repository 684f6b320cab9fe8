namespace TaskFunctions.Core.Tasks;

/// <summary>PUT body for a BACKGROUND_FIX task: the common update fields only.</summary>
public sealed class BackgroundFixTaskPublicUpdate : TaskUpdateBase
{
}
