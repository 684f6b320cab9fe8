namespace TaskFunctions.Core.Workflow;

/// <summary>
/// Input of <see cref="TaskNames.RecordAttemptFailure"/>: the attempt's message, whether a retry follows, and a key unique
/// within the task's run (the attempt number, or the skipped stage) that makes a re-delivered record a no-op.
/// </summary>
public sealed record AttemptFailureInput(string TaskId, string Error, bool WillRetry, string? FailureKey = null)
{
    public static string AttemptKey(int attempt) => $"attempt-{attempt}";

    public static string SkippedStageKey(int stage) => $"skipped-stage-{stage}";
}
