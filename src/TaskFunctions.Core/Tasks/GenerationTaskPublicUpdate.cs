namespace TaskFunctions.Core.Tasks;

/// <summary>PUT body for a GENERATION task: the common update fields only.</summary>
public sealed class GenerationTaskPublicUpdate : TaskUpdateBase
{
}
