namespace TaskFunctions.Core.Tasks;

/// <summary>PUT body for a FACE_ENHANCER task: the common update fields only.</summary>
public sealed class FaceEnhancerTaskPublicUpdate : TaskUpdateBase
{
}
