using Microsoft.Extensions.Logging;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow.Activities;

/// <summary>Source-generated log messages of the workflow: one Information line per task state change.</summary>
internal static partial class WorkflowLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Task {TaskId} RUNNING ({TaskType}, provider {Provider})")]
    public static partial void TaskRunning(ILogger logger, string taskId, TaskType taskType, ProviderType? provider);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Task {TaskId} submitted to {Provider}: job {JobId}, attempt {Attempt}")]
    public static partial void ProviderJobSubmitted(ILogger logger, string taskId, ProviderType provider, string jobId, int attempt);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Task {TaskId} attempt failed, {Next}: {Error}")]
    public static partial void AttemptFailed(ILogger logger, string taskId, string next, string error);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Task {TaskId} falls back to provider {Provider}")]
    public static partial void FallbackActivated(ILogger logger, string taskId, ProviderType? provider);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "Task {TaskId} COMPLETED ({TaskType}, provider {Provider}) in {ElapsedMs} ms")]
    private static partial void TaskCompleted(ILogger logger, string taskId, TaskType taskType, ProviderType? provider, long elapsedMs);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Task {TaskId} FAILED ({Category}): {Error}")]
    private static partial void TaskFailed(ILogger logger, string taskId, ErrorCategory category, string? error);

    /// <summary>The COMPLETED line, with the time from started_at to completed_at (0 when either is missing).</summary>
    public static void TaskCompleted(ILogger logger, TaskPublicBase task)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            var elapsed = task.StartedAt is { } started && task.CompletedAt is { } completed ? (long)(completed - started).TotalMilliseconds : 0;
            TaskCompleted(logger, task.Id, task.TaskType, task.ProviderType, elapsed);
        }
    }

    /// <summary>The FAILED line, with the final error (the input's, else the last one the attempts recorded).</summary>
    public static void TaskFailed(ILogger logger, TaskPublicBase task, ErrorCategory category, string? error)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            var final = error ?? task.Errors?.LastOrDefault();
            TaskFailed(logger, task.Id, category, final);
        }
    }

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Task {TaskId} adopted {Provider} job {JobId} of an unconfirmed submit (attempt {Attempt}): not submitted again")]
    public static partial void ProviderJobAdopted(ILogger logger, string taskId, ProviderType provider, string jobId, int attempt);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "Task {TaskId}: a {Provider} submit (attempt {Attempt}) {Reason}; a job may exist there unknown to the task (recorded as unconfirmed)")]
    public static partial void ProviderSubmitUnconfirmed(ILogger logger, string taskId, ProviderType provider, int attempt, string reason);
}
