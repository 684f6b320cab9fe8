using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow;

/// <summary>
/// Input of <see cref="TaskNames.SubmitProviderJob"/>: which stage, which attempt (1-based, counted across stages and
/// parts, so each job of a task has its own key) and which of the task's jobs (<see cref="JobPart"/>).
/// </summary>
public sealed record JobAttemptInput(string TaskId, int Stage, int Attempt, ProviderType Provider, JobPart? Part = null)
{
    public JobPart JobPart => Part ?? JobPart.Main;

    public string AttemptKey => $"{Stage}:{Attempt}";
}
