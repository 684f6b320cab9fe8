using TaskFunctions.Core.Providers;

namespace TaskFunctions.Core.Workflow;

/// <summary>Input of the poll, result and cancel activities: the recorded job and the attempt it belongs to.</summary>
public sealed record JobStepInput(string TaskId, ProviderJob Job, int Attempt);
