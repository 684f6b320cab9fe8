using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow.Activities;

/// <summary>PENDING → RUNNING; a task found already RUNNING is being resumed after an interruption.</summary>
public sealed class StartTaskActivity(TaskMutator mutator, TimeProvider time) : ITaskActivity<string, StartTaskResult>
{
    /// <summary>Value written to executor_type while this service runs a task.</summary>
    public const string ExecutorType = "durable-functions";

    public async Task<StartTaskResult> RunAsync(string taskId, CancellationToken cancellationToken = default)
    {
        string? stopReason = null;
        var result = await mutator.MutateAsync(taskId, task =>
        {
            if (task.Internal.IsDeleted || task.Status.IsTerminal())
            {
                stopReason = $"Task is {(task.Internal.IsDeleted ? "cleaned up" : task.Status.ToString())}.";
                return null;
            }

            var now = time.GetUtcNow();
            if (task.Status == TaskState.RUNNING)
            {
                // At-least-once delivery: the activity (or the host) ran before and was interrupted.
                task.Internal.IsResumed = true;
                task.Internal.ResumeAttemptCount = (task.Internal.ResumeAttemptCount ?? 0) + 1;
                task.Internal.LastResumeAttempt = now;
            }
            else
            {
                task.Status = TaskState.RUNNING;
                task.StartedAt = now;
            }

            task.ExecutorType = ExecutorType;
            task.ExecutorInstance = Environment.MachineName;
            task.UpdatedAt = now;
            return task;
        }, cancellationToken);

        return result is null
            ? new StartTaskResult(false, "Task no longer exists.")
            : new StartTaskResult(stopReason is null, stopReason);
    }
}
