namespace TaskFunctions.Core.Tasks;

/// <summary>PUT body for an EDITING task: the common update fields only.</summary>
public sealed class EditingTaskPublicUpdate : TaskUpdateBase
{
}
