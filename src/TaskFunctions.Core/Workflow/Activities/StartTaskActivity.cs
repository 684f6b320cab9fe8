using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Images.Quality;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow.Activities;

/// <summary>
/// PENDING → RUNNING and the execution plan (primary then fallback provider, each with its configured policy and
/// checked against its own capabilities; the shape of the kind's work); a task found already RUNNING is being resumed
/// after an interruption.
/// </summary>
public sealed class StartTaskActivity(TaskMutator mutator, ProviderPolicies policies, IOptions<FaceQualityOptions> faceQuality, TimeProvider time, ILogger<StartTaskActivity> logger)
    : ITaskActivity<string, StartTaskResult>
{
    /// <summary>Value written to executor_type while this service runs a task.</summary>
    public const string ExecutorType = "durable-functions";

    /// <summary>The provider that makes the person mask of a LOCAL background fix on a photo without alpha.</summary>
    public const ProviderType MaskProvider = ProviderType.FAL;

    public async Task<StartTaskResult> RunAsync(string taskId, CancellationToken cancellationToken = default)
    {
        string? stopReason = null;
        var webhookOwed = false;
        var result = await mutator.MutateRecentAsync(taskId, task =>
        {
            // Decided afresh on every (re-)application: the mutator may apply this more than once.
            stopReason = null;
            webhookOwed = false;
            if (task.Internal.IsDeleted || task.Status.IsTerminal())
            {
                stopReason = $"Task is {(task.Internal.IsDeleted ? "cleaned up" : task.Status.ToString())}.";

                // Ended before it started (a cancel or a PUT while PENDING): its webhook is still owed, once.
                webhookOwed = !task.Internal.IsDeleted && !string.IsNullOrEmpty(task.Internal.WebhookUrl) && task.Internal.Webhook is null;
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

        if (stopReason is null)
        {
            WorkflowLog.TaskRunning(logger, taskId, result.Document.TaskType, result.Document.ProviderType);
        }

        return stopReason is null
            ? new StartTaskResult(true, null, Plan(result.Document))
            : new StartTaskResult(false, stopReason, DeliverWebhook: webhookOwed);
    }

    private ExecutionPlan Plan(TaskPublicBase task)
    {
        // After a fallback was activated (and the task resumed), ProviderType and ActiveProviderCapabilities are the fallback's.
        var stages = new List<ProviderStage> { Stage(task, task.ProviderType, task.ActiveProviderCapabilities) };
        if (task.FallbackProviderType is { } fallback && !task.Internal.FallbackUsed
            && (fallback != task.ProviderType || !JsonNode.DeepEquals(task.FallbackProviderConfig, task.ProviderConfig)))
        {
            stages.Add(Stage(task, fallback, task.FallbackProviderCapabilities));
        }

        var plan = new ExecutionPlan(stages, !string.IsNullOrEmpty(task.Internal.WebhookUrl));
        switch (task)
        {
            case BackgroundRemovalTaskPublic removal:
                return plan with { Shape = WorkflowShape.Batch, BatchSize = removal.InputImagePaths.Count };
            case RefineTaskPublic refine:
                var request = TaskJson.ReadCreateRequest<CreateRefineTask>(refine);
                return plan with { Shape = WorkflowShape.Passes, Upscale = request.UpscaleEnabled, FaceDetail = request.FaceDetailEnabled };
            case FaceEnhancerTaskPublic:
                var gate = faceQuality.Value;
                return plan with { Shape = WorkflowShape.QualityLoop, Quality = new QualityGate(gate.MaxAttempts, gate.MinSsim) };
            case BackgroundFixTaskPublic:
                var (maskRetry, maskPolling) = policies.For(MaskProvider);
                return plan with { MaskStage = new ProviderStage(MaskProvider, StageExecutor.Job, maskRetry, maskPolling, maskPolling.Deadline) };
            default:
                return plan;
        }
    }

    private ProviderStage Stage(TaskPublicBase task, ProviderType? provider, List<string>? capabilities)
    {
        var (retry, polling) = policies.For(provider);
        var deadline = task.TaskType == TaskType.VIDEO_GENERATION ? polling.VideoDeadline : polling.Deadline;
        var executor = provider is { } p ? ProviderCatalog.Executor(task.TaskType, p) : StageExecutor.Missing;
        if (executor == StageExecutor.Missing)
        {
            return new ProviderStage(provider, executor, new ProviderRetryOptions { MaxAttempts = 1 }, polling, deadline, ProviderCatalog.MissingMessage(task.TaskType, provider));
        }

        if (Refusal(task, capabilities ?? [.. policies.DeclaredCapabilities(provider, task.TaskType)]) is { } refusal)
        {
            // A provider that cannot serve the request is never run to produce a wrong result.
            return new ProviderStage(provider, StageExecutor.Missing, new ProviderRetryOptions { MaxAttempts = 1 }, polling, deadline,
                $"{provider} cannot serve this request: {refusal}.", ErrorCategory.VALIDATION);
        }

        return new ProviderStage(provider, executor, retry, polling, deadline);
    }

    private static string? Refusal(TaskPublicBase task, IReadOnlyList<string> capabilities)
    {
        if (task is not RefineTaskPublic refine)
        {
            return null;
        }

        var request = TaskJson.ReadCreateRequest<CreateRefineTask>(refine);
        return RefineUpscaleMode.Refusal(request.UpscaleFactor, request.UpscaleEnabled, capabilities);
    }
}
