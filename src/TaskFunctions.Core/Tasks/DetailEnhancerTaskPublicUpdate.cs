namespace TaskFunctions.Core.Tasks;

/// <summary>PUT body for a DETAIL_ENHANCER task: the common update fields only.</summary>
public sealed class DetailEnhancerTaskPublicUpdate : TaskUpdateBase
{
}
