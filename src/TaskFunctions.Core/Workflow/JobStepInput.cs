using TaskFunctions.Core.Providers;

namespace TaskFunctions.Core.Workflow;

/// <summary>
/// Input of the poll, result and cancel activities: the recorded job, the attempt it belongs to, and the poll's
/// sequence number within the attempt (a poll that finds its number already recorded is a re-delivery).
/// </summary>
public sealed record JobStepInput(string TaskId, ProviderJob Job, int Attempt, int Step = 0);
