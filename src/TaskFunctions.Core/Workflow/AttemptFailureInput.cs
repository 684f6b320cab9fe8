namespace TaskFunctions.Core.Workflow;

/// <summary>Input of <see cref="TaskNames.RecordAttemptFailure"/>: the attempt's message, and whether a retry follows.</summary>
public sealed record AttemptFailureInput(string TaskId, string Error, bool WillRetry);
