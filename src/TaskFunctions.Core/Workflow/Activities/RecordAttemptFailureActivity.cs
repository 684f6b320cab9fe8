using Microsoft.Extensions.Logging;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow.Activities;

/// <summary>Appends a failed attempt's message to errors; counts the retry that follows it in retry_count (once per attempt key).</summary>
public sealed class RecordAttemptFailureActivity(TaskMutator mutator, TimeProvider time, ILogger<RecordAttemptFailureActivity> logger) : ITaskActivity<AttemptFailureInput, bool>
{
    public async Task<bool> RunAsync(AttemptFailureInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var result = await mutator.MutateRecentAsync(input.TaskId, task =>
        {
            if (task.Status.IsTerminal() || task.Internal.IsDeleted)
            {
                return null;
            }

            if (input.FailureKey is { } key)
            {
                if (task.Internal.RecordedFailures?.Contains(key) == true)
                {
                    return null; // re-delivered after a crash: this attempt is already counted
                }

                task.Internal.RecordedFailures = [.. task.Internal.RecordedFailures ?? [], key];
            }

            task.Errors = [.. task.Errors ?? [], input.Error];
            if (input.WillRetry)
            {
                task.RetryCount++;
            }

            task.Internal.ActiveJob = null;
            task.UpdatedAt = time.GetUtcNow();
            return task;
        }, cancellationToken);
        if (result?.Changed == true)
        {
            WorkflowLog.AttemptFailed(logger, input.TaskId, input.WillRetry ? "retrying" : "no retry left", input.Error);
        }

        return result?.Changed == true;
    }
}
