namespace TaskFunctions.Core.Tasks;

/// <summary>PUT body for a REFINE task: the common update fields only.</summary>
public sealed class RefineTaskPublicUpdate : TaskUpdateBase
{
}
