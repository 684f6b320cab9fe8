using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow;

/// <summary>Input of <see cref="TaskNames.SubmitProviderJob"/>: which stage and which attempt (1-based, across stages).</summary>
public sealed record JobAttemptInput(string TaskId, int Stage, int Attempt, ProviderType Provider)
{
    public string AttemptKey => $"{Stage}:{Attempt}";
}
