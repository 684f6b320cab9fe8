using Microsoft.Extensions.Logging;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Telemetry;

namespace TaskFunctions.Core.Workflow.Activities;

/// <summary>RUNNING → FAILED with the final error_category (and the error, unless the attempts already recorded it); a task that already ended is left alone.</summary>
public sealed class FailTaskActivity(TaskMutator mutator, TimeProvider time, ILogger<FailTaskActivity> logger) : ITaskActivity<FailTaskInput, bool>
{
    public async Task<bool> RunAsync(FailTaskInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var result = await mutator.MutateRecentAsync(input.TaskId, task =>
        {
            if (task.Status.IsTerminal() || task.Internal.IsDeleted)
            {
                return null;
            }

            var now = time.GetUtcNow();
            task.Status = TaskState.FAILED;
            if (input.Error is not null)
            {
                task.Errors = [.. task.Errors ?? [], input.Error];
            }

            task.Internal.ActiveJob = null;
            task.ErrorCategory = input.Category;
            task.CompletedAt = now;
            task.UpdatedAt = now;
            return task;
        }, cancellationToken);
        if (result?.Changed == true)
        {
            TaskTelemetry.TaskFailed(result.Document.TaskType, result.Document.ProviderType, input.Category);
            WorkflowLog.TaskFailed(logger, result.Document, input.Category, input.Error);
            return true;
        }

        return false;
    }
}
