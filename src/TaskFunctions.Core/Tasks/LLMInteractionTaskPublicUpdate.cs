namespace TaskFunctions.Core.Tasks;

/// <summary>PUT body for an LLM_INTERACTION task (the schema exposes the extended update set).</summary>
public sealed class LLMInteractionTaskPublicUpdate : ExtendedTaskUpdateBase
{
}
