using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow;

/// <summary>Input of <see cref="TaskOrchestration"/>: ids only, never payloads.</summary>
public sealed record TaskOrchestrationInput(string TaskId, TaskType TaskType, ProviderType? ProviderType);
