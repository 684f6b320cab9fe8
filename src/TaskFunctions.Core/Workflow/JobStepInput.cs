using TaskFunctions.Core.Providers;

namespace TaskFunctions.Core.Workflow;

/// <summary>
/// Input of the poll, result and cancel activities: the recorded job, the attempt it belongs to, and the poll's
/// sequence number within the attempt (a poll that finds its number already recorded is a re-delivery).
/// </summary>
/// <param name="Carried">Calls of an earlier step that did not write the record (a poll that found the job finished),
/// to be journaled by this one.</param>
/// <param name="Part">Which of the task's jobs this is; its result is stored accordingly.</param>
public sealed record JobStepInput(string TaskId, ProviderJob Job, int Attempt, int Step = 0, IReadOnlyList<ServiceRequestRecord>? Carried = null, JobPart? Part = null)
{
    public JobPart JobPart => Part ?? JobPart.Main;
}
