using Microsoft.DurableTask;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow;

/// <summary>
/// The one orchestration each task runs: mark RUNNING, try the primary provider under its retry policy, then the
/// fallback provider, mark COMPLETED or FAILED, and deliver the webhook. Provider jobs follow the monitor pattern
/// (submit, then durable timers raced against the cancel event, then short poll activities). Deterministic: no I/O,
/// no clocks but <see cref="TaskOrchestrationContext.CurrentUtcDateTime"/>, only activities, timers and events.
/// </summary>
public static class TaskOrchestration
{
    /// <summary>
    /// Activity-level retries for infrastructure hiccups (storage throttling, a worker lost mid-step). Provider failures are
    /// not exceptions: activities return them classified, and the provider retry policy above decides.
    /// </summary>
    private static readonly TimeSpan TimerSlack = TimeSpan.FromSeconds(1);

    private static readonly TaskOptions Steps = TaskOptions.FromRetryPolicy(new RetryPolicy(4, TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(15)));

    public static async Task RunAsync(TaskOrchestrationContext context, TaskOrchestrationInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);

        var start = await context.CallActivityAsync<StartTaskResult>(TaskNames.StartTask, input.TaskId, Steps);
        if (!start.Proceed || start.Plan is null)
        {
            return;
        }

        using (var stopWaiting = new CancellationTokenSource())
        {
            var cancelled = context.WaitForExternalEvent<string>(TaskNames.CancelEvent, stopWaiting.Token);
            try
            {
                await ExecuteAsync(context, input.TaskId, start.Plan, cancelled);
            }
            catch (TaskFailedException ex)
            {
                // A bookkeeping step failed even after its retries (storage down): end the task rather than leave it RUNNING.
                await context.CallActivityAsync<bool>(
                    TaskNames.FailTask, new FailTaskInput(input.TaskId, $"Workflow step failed: {ex.FailureDetails.ErrorMessage}", ErrorCategory.INTERNAL), Steps);
            }
            if (!cancelled.IsCompleted)
            {
                stopWaiting.Cancel();
            }
        }

        if (start.Plan.HasWebhook)
        {
            await DeliverWebhookAsync(context, input.TaskId);
        }
    }

    private static async Task ExecuteAsync(TaskOrchestrationContext context, string taskId, ExecutionPlan plan, Task cancelled)
    {
        ExecutionOutcome? last = null;
        var attempt = 0;
        for (var stage = 0; stage < plan.Stages.Count; stage++)
        {
            var provider = plan.Stages[stage];
            if (stage > 0)
            {
                if (last is null || !last.MayFallBack)
                {
                    break;
                }

                await context.CallActivityAsync<bool>(TaskNames.ActivateFallback, taskId, Steps);
            }

            for (var tryOnProvider = 1; tryOnProvider <= provider.Retry.MaxAttempts; tryOnProvider++)
            {
                attempt++;
                var outcome = await RunAttemptAsync(context, taskId, provider, stage, attempt, cancelled);
                if (outcome is null || outcome.Category == ErrorCategory.CANCELLED)
                {
                    return; // cancelled: the cancel route already wrote CANCELLED
                }

                if (outcome.Succeeded)
                {
                    await context.CallActivityAsync<bool>(TaskNames.CompleteTask, new CompleteTaskInput(taskId, outcome.Results ?? [], outcome.ServiceRequests), Steps);
                    return;
                }

                last = outcome;
                var retry = outcome.Retryable && tryOnProvider < provider.Retry.MaxAttempts;
                var error = plan.Stages.Count > 1 ? $"[{provider.Provider?.ToString() ?? "no provider"}] {outcome.Error}" : outcome.Error ?? "Attempt failed.";
                await context.CallActivityAsync<bool>(TaskNames.RecordAttemptFailure, new AttemptFailureInput(taskId, error, retry), Steps);
                if (!retry)
                {
                    break;
                }

                // Durable timers may fire up to about a second early on the Azure Storage backend: a provider's
                // Retry-After gets that second on top, so the retry never arrives before the time it asked for.
                var retryAfter = outcome.RetryAfter is { } asked ? asked + TimerSlack : (TimeSpan?)null;
                if (await DelayAsync(context, provider.Retry.DelayBefore(tryOnProvider, retryAfter), cancelled))
                {
                    return;
                }
            }

            if (last?.Category == ErrorCategory.CANCELLED)
            {
                return;
            }
        }

        await context.CallActivityAsync<bool>(TaskNames.FailTask, new FailTaskInput(taskId, null, last?.Category ?? ErrorCategory.INTERNAL), Steps);
    }

    /// <summary>One attempt on one provider; null when the task was cancelled meanwhile.</summary>
    private static async Task<ExecutionOutcome?> RunAttemptAsync(
        TaskOrchestrationContext context, string taskId, ProviderStage stage, int stageIndex, int attempt, Task cancelled)
    {
        switch (stage.Executor)
        {
            case StageExecutor.Local:
                return await RunLocalAsync(context, taskId, cancelled);
            case StageExecutor.Job:
                return await RunJobAsync(context, taskId, stage, stageIndex, attempt, cancelled);
            default:
                return ExecutionOutcome.Failure(stage.MissingMessage ?? "No executor.", ErrorCategory.INTERNAL);
        }
    }

    private static async Task<ExecutionOutcome?> RunLocalAsync(TaskOrchestrationContext context, string taskId, Task cancelled)
    {
        var execution = context.CallActivityAsync<ExecutionOutcome>(TaskNames.ExecuteLocalTask, taskId, Steps);
        if (await Task.WhenAny(execution, cancelled) == cancelled)
        {
            // The in-flight step is short (one I/O step): wait for it and hand its result to CompleteTask, which
            // refuses to touch a terminal task and deletes the late result files.
            try
            {
                var late = await execution;
                if (late.Succeeded)
                {
                    await context.CallActivityAsync<bool>(TaskNames.CompleteTask, new CompleteTaskInput(taskId, late.Results ?? []), Steps);
                }
            }
            catch (TaskFailedException)
            {
                // Nothing was produced; nothing to discard.
            }

            return null;
        }

        try
        {
            return await execution;
        }
        catch (TaskFailedException ex)
        {
            return ExecutionOutcome.Failure($"Executor failed: {ex.FailureDetails.ErrorMessage}", ErrorCategory.INTERNAL);
        }
    }

    /// <summary>The monitor pattern: submit, then wait on durable timers (woken by a cancel) and poll until done or the deadline.</summary>
    private static async Task<ExecutionOutcome?> RunJobAsync(
        TaskOrchestrationContext context, string taskId, ProviderStage stage, int stageIndex, int attempt, Task cancelled)
    {
        var submitted = await context.CallActivityAsync<SubmitJobResult>(TaskNames.SubmitProviderJob, new JobAttemptInput(taskId, stageIndex, attempt, stage.Provider ?? ProviderType.LOCAL), Steps);
        if (submitted.TaskEnded)
        {
            return null;
        }

        if (submitted.Job is not { } job)
        {
            return ExecutionOutcome.From(submitted.Failure ?? new ProviderFailure("The provider accepted no job.", ErrorCategory.PROVIDER_ERROR, true));
        }

        var step = new JobStepInput(taskId, job, attempt);
        var deadline = context.CurrentUtcDateTime + stage.Deadline;
        var interval = stage.Polling.FirstInterval;
        var pollFailures = 0;
        for (var poll = 1; ; poll++)
        {
            var remaining = deadline - context.CurrentUtcDateTime;
            if (cancelled.IsCompleted || await DelayAsync(context, interval < remaining ? interval : remaining, cancelled))
            {
                await context.CallActivityAsync<bool>(TaskNames.CancelProviderJob, step, Steps);
                return null;
            }

            var status = await context.CallActivityAsync<PollJobResult>(TaskNames.PollProviderJob, step with { Step = poll }, Steps);
            if (status.TaskEnded || cancelled.IsCompleted)
            {
                await context.CallActivityAsync<bool>(TaskNames.CancelProviderJob, step, Steps);
                return null;
            }

            switch (status.State)
            {
                case ProviderJobState.Completed:
                    return await FetchResultAsync(context, step with { Carried = status.ServiceRequests }, stage, cancelled);
                case ProviderJobState.Failed:
                    return ExecutionOutcome.From(status.Failure ?? new ProviderFailure("The provider reported the job as failed.", ErrorCategory.PROVIDER_ERROR, true));
                case null when status.Failure is { } failure:
                    if (!failure.MayRetry || ++pollFailures > stage.Polling.MaxPollFailures)
                    {
                        return ExecutionOutcome.From(failure);
                    }

                    break;
                default:
                    pollFailures = 0;
                    break;
            }

            if (context.CurrentUtcDateTime >= deadline)
            {
                await context.CallActivityAsync<bool>(TaskNames.CancelProviderJob, step, Steps);
                return ExecutionOutcome.From(new ProviderFailure(
                    $"{stage.Provider} job {job.JobId} produced no result within {stage.Deadline.TotalSeconds:0.#} s.", ErrorCategory.TIMEOUT, true));
            }

            interval = TimeSpan.FromTicks(Math.Min((long)(interval.Ticks * stage.Polling.Backoff), stage.Polling.MaxInterval.Ticks));
        }
    }

    /// <summary>Copies the result; a transient failure (the provider's file host or our storage) is retried without a new job.</summary>
    private static async Task<ExecutionOutcome?> FetchResultAsync(TaskOrchestrationContext context, JobStepInput step, ProviderStage stage, Task cancelled)
    {
        var interval = stage.Polling.FirstInterval;
        for (var fetch = 0; ; fetch++)
        {
            var outcome = await context.CallActivityAsync<ExecutionOutcome>(TaskNames.FetchProviderResult, step, Steps);
            if (outcome.Succeeded || !outcome.Retryable || fetch >= stage.Polling.MaxPollFailures)
            {
                return outcome;
            }

            if (await DelayAsync(context, interval, cancelled))
            {
                return null;
            }

            step = step with { Carried = null }; // the failed fetch journaled them
            interval = TimeSpan.FromTicks(Math.Min((long)(interval.Ticks * stage.Polling.Backoff), stage.Polling.MaxInterval.Ticks));
        }
    }

    /// <summary>Sends the terminal-state webhook, retrying on durable timers for as long as the delivery activity says.</summary>
    private static async Task DeliverWebhookAsync(TaskOrchestrationContext context, string taskId)
    {
        for (var attempt = 1; ; attempt++)
        {
            var delivery = await context.CallActivityAsync<WebhookDeliveryResult>(TaskNames.DeliverWebhook, new WebhookDeliveryInput(taskId, attempt), Steps);
            if (delivery.RetryAfter is not { } delay)
            {
                return;
            }

            await context.CreateTimer(context.CurrentUtcDateTime + delay, CancellationToken.None);
        }
    }

    /// <summary>Waits <paramref name="delay"/> on a durable timer; true when the cancel event won the race.</summary>
    private static async Task<bool> DelayAsync(TaskOrchestrationContext context, TimeSpan delay, Task cancelled)
    {
        if (cancelled.IsCompleted)
        {
            return true;
        }

        if (delay <= TimeSpan.Zero)
        {
            return false;
        }

        using var stopTimer = new CancellationTokenSource();
        var timer = context.CreateTimer(context.CurrentUtcDateTime + delay, stopTimer.Token);
        if (await Task.WhenAny(timer, cancelled) == cancelled)
        {
            stopTimer.Cancel();
            return true;
        }

        return false;
    }
}
