using System.Text.Json.Nodes;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow.Activities;

/// <summary>
/// PENDING → RUNNING and the execution plan (primary then fallback provider, each with its configured policy);
/// a task found already RUNNING is being resumed after an interruption.
/// </summary>
public sealed class StartTaskActivity(TaskMutator mutator, ProviderPolicies policies, TimeProvider time) : ITaskActivity<string, StartTaskResult>
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

            task.ProviderType ??= ProviderCatalog.DefaultProvider(task.TaskType);
            task.ExecutorType = ExecutorType;
            task.ExecutorInstance = Environment.MachineName;
            task.UpdatedAt = now;
            return task;
        }, cancellationToken);

        if (result is null)
        {
            return new StartTaskResult(false, "Task no longer exists.");
        }

        return stopReason is null
            ? new StartTaskResult(true, null, Plan(result.Document))
            : new StartTaskResult(false, stopReason);
    }

    private ExecutionPlan Plan(TaskPublicBase task)
    {
        var stages = new List<ProviderStage> { Stage(task, task.ProviderType) };
        if (task.FallbackProviderType is { } fallback && !task.Internal.FallbackUsed
            && (fallback != task.ProviderType || !JsonNode.DeepEquals(task.FallbackProviderConfig, task.ProviderConfig)))
        {
            stages.Add(Stage(task, fallback));
        }

        return new ExecutionPlan(stages, !string.IsNullOrEmpty(task.Internal.WebhookUrl));
    }

    private ProviderStage Stage(TaskPublicBase task, ProviderType? provider)
    {
        var (retry, polling) = policies.For(provider);
        var executor = provider is { } p ? ProviderCatalog.Executor(task.TaskType, p) : StageExecutor.Missing;
        var deadline = task.TaskType == TaskType.VIDEO_GENERATION ? polling.VideoDeadline : polling.Deadline;
        return new ProviderStage(
            provider,
            executor,
            executor == StageExecutor.Missing ? new ProviderRetryOptions { MaxAttempts = 1 } : retry,
            polling,
            deadline,
            executor == StageExecutor.Missing ? ProviderCatalog.MissingMessage(task.TaskType, provider) : null);
    }
}
