using System.Text.Json;
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
            if (start.DeliverWebhook)
            {
                await DeliverWebhookAsync(context, input.TaskId);
            }

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
#pragma warning disable CA1849, VSTHRD103 // orchestrator code: CancelAsync would run the registrations off the orchestration thread
                stopWaiting.Cancel();
#pragma warning restore CA1849, VSTHRD103
            }
        }

        if (start.Plan.HasWebhook)
        {
            await DeliverWebhookAsync(context, input.TaskId);
        }
    }

    private static async Task ExecuteAsync(TaskOrchestrationContext context, string taskId, ExecutionPlan plan, Task cancelled)
    {
        var run = new Run(context, taskId, plan, cancelled);
        ExecutionOutcome? last = null;
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

            if (provider.Executor == StageExecutor.Missing)
            {
                // Nothing to run here (no executor, or capabilities that cannot serve the request): say so and move on.
                last = ExecutionOutcome.Failure(provider.MissingMessage ?? "No executor.", provider.SkipCategory) with { Skipped = true };
                await context.CallActivityAsync<bool>(TaskNames.RecordAttemptFailure, new AttemptFailureInput(taskId, run.Prefix(provider, null) + last.Error, false, AttemptFailureInput.SkippedStageKey(stage)), Steps);
                continue;
            }

            var outcome = await RunStageAsync(run, provider, stage);
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
        }

        await context.CallActivityAsync<bool>(TaskNames.FailTask, new FailTaskInput(taskId, null, last?.Category ?? ErrorCategory.INTERNAL), Steps);
    }

    /// <summary>One stage in the kind's shape; the outcome's results are the task's result fields. Null when cancelled.</summary>
    private static Task<ExecutionOutcome?> RunStageAsync(Run run, ProviderStage stage, int stageIndex)
    {
        if (stage.Executor == StageExecutor.Local)
        {
            return RunLocalStageAsync(run, stage, stageIndex);
        }

        return run.Plan.Shape switch
        {
            WorkflowShape.Batch => RunBatchAsync(run, stage, stageIndex),
            WorkflowShape.Passes => RunPassesAsync(run, stage, stageIndex),
            WorkflowShape.QualityLoop => RunQualityLoopAsync(run, stage, stageIndex),
            _ => RunWithRetriesAsync(run, stage, stageIndex, JobPart.Main),
        };
    }

    /// <summary>A LOCAL step; a background fix without an alpha cut-out first gets its person mask from the mask provider.</summary>
    private static async Task<ExecutionOutcome?> RunLocalStageAsync(Run run, ProviderStage stage, int stageIndex)
    {
        var outcome = await RunWithRetriesAsync(run, stage, stageIndex, null);
        if (outcome is not { NeedsPersonMask: true } || run.Plan.MaskStage is not { } maskStage || run.MaskPath is not null)
        {
            return outcome;
        }

        var mask = await RunWithRetriesAsync(run, maskStage, stageIndex, new JobPart(JobPartKind.Mask));
        if (mask is null || !mask.Succeeded)
        {
            return mask;
        }

        run.MaskPath = PathOf(mask);
        return await RunWithRetriesAsync(run, stage, stageIndex, null);
    }

    /// <summary>Every image its own job, in order; images done on an earlier stage are kept. All or nothing.</summary>
    private static async Task<ExecutionOutcome?> RunBatchAsync(Run run, ProviderStage stage, int stageIndex)
    {
        for (var i = 0; i < run.Plan.BatchSize; i++)
        {
            if (run.BatchPaths.ContainsKey(i))
            {
                continue;
            }

            var outcome = await RunWithRetriesAsync(run, stage, stageIndex, new JobPart(JobPartKind.Image, i));
            if (outcome is null || !outcome.Succeeded)
            {
                return outcome;
            }

            run.BatchPaths[i] = PathOf(outcome);
        }

        var paths = Enumerable.Range(0, run.Plan.BatchSize).Select(i => run.BatchPaths[i]).ToList();
        return ExecutionOutcome.Success(new Dictionary<string, JsonElement> { ["result_image_paths"] = JsonSerializer.SerializeToElement(paths) });
    }

    /// <summary>REFINE: upscale, then face detail over its output, each a job; then the local finish (exact target size).</summary>
    private static async Task<ExecutionOutcome?> RunPassesAsync(Run run, ProviderStage stage, int stageIndex)
    {
        string? source = null;
        foreach (var (kind, enabled) in new[] { (JobPartKind.Upscale, run.Plan.Upscale), (JobPartKind.FaceDetail, run.Plan.FaceDetail) })
        {
            if (!enabled)
            {
                continue;
            }

            var outcome = await RunWithRetriesAsync(run, stage, stageIndex, new JobPart(kind, 0, source));
            if (outcome is null || !outcome.Succeeded)
            {
                return outcome;
            }

            source = PathOf(outcome);
        }

        return source is null
            ? ExecutionOutcome.Failure("REFINE has no pass enabled.", ErrorCategory.VALIDATION)
            : await run.Context.CallActivityAsync<ExecutionOutcome>(TaskNames.FinishRefine, new FinishRefineInput(run.TaskId, source), Steps);
    }

    /// <summary>
    /// FACE_ENHANCER's quality loop: each attempt a durable provider job (with the provider's retries), scored by SSIM
    /// against the input; the first attempt at or above the gate ends the loop, otherwise the most similar is kept. A
    /// crash resumes at the attempt it was in: finished attempts are in history and never submitted again.
    /// </summary>
    private static async Task<ExecutionOutcome?> RunQualityLoopAsync(Run run, ProviderStage stage, int stageIndex)
    {
        var gate = run.Plan.Quality ?? new QualityGate(1, 0);
        (string Path, double Ssim, ExecutionOutcome Outcome)? best = null;
        bool? faceDetected = null;
        var attempt = 0;
        while (attempt < gate.MaxAttempts)
        {
            attempt++;
            var outcome = await RunWithRetriesAsync(run, stage, stageIndex, new JobPart(JobPartKind.FaceAttempt, attempt));
            if (outcome is null || !outcome.Succeeded)
            {
                return outcome;
            }

            var path = PathOf(outcome);
            var ssim = await run.Context.CallActivityAsync<double>(TaskNames.ScoreFaceAttempt, new FaceScoreInput(run.TaskId, path), Steps);
            faceDetected = Reported<bool>(outcome, ProviderResultWriter.PartFaceDetected) ?? faceDetected;
            if (best is null || ssim > best.Value.Ssim)
            {
                best = (path, ssim, outcome);
            }

            if (ssim >= gate.MinSsim)
            {
                break;
            }
        }

        var chosen = best!.Value;
        return ExecutionOutcome.Success(new Dictionary<string, JsonElement>
        {
            ["result_image_path"] = JsonSerializer.SerializeToElement(chosen.Path),
            ["attempts_used"] = JsonSerializer.SerializeToElement(attempt),
            ["final_ssim_score"] = JsonSerializer.SerializeToElement(Math.Round(chosen.Ssim, 6)),
            ["face_detected"] = JsonSerializer.SerializeToElement(Reported<bool>(chosen.Outcome, ProviderResultWriter.PartFaceDetected) ?? faceDetected ?? false),
            ["final_lpips_score"] = JsonSerializer.SerializeToElement(Reported<double>(chosen.Outcome, ProviderResultWriter.PartLpips)),
            ["final_dists_score"] = JsonSerializer.SerializeToElement(Reported<double>(chosen.Outcome, ProviderResultWriter.PartDists)),
        });
    }

    /// <summary>
    /// One job (or the local step when <paramref name="part"/> is null) under the stage's retry policy: each failed
    /// attempt is recorded, retryable ones wait (Retry-After honoured) and go again. Returns the success or the last
    /// failure (its message naming the part, e.g. <c>input_image_paths[1]: ...</c>); null when cancelled.
    /// </summary>
    private static async Task<ExecutionOutcome?> RunWithRetriesAsync(Run run, ProviderStage stage, int stageIndex, JobPart? part)
    {
        var context = run.Context;
        for (var tryOnProvider = 1; ; tryOnProvider++)
        {
            var attempt = ++run.Attempts;
            var outcome = part is null
                ? await RunOneShotAsync(context, TaskNames.ExecuteLocalTask, new LocalTaskInput(run.TaskId, run.MaskPath), run.TaskId, run.Cancelled)
                : stage.Executor == StageExecutor.Call
                ? await RunOneShotAsync(context, TaskNames.CallProvider, AttemptInput(run.TaskId, stage, part, stageIndex, attempt), run.TaskId, run.Cancelled)
                : await RunJobAsync(context, run.TaskId, stage, part, stageIndex, attempt, run.Cancelled);
            if (outcome is { Category: ErrorCategory.CANCELLED } && !run.Cancelled.IsCompleted)
            {
                // Cancelled at the provider (a dashboard, an operator), not by the caller: a failed attempt like any other.
                outcome = outcome with { Category = ErrorCategory.PROVIDER_ERROR, Retryable = true, Error = $"{outcome.Error} (cancelled at the provider, not through this service)" };
            }

            if (outcome is null || outcome.Succeeded || outcome.Category == ErrorCategory.CANCELLED || outcome.NeedsPersonMask)
            {
                return outcome;
            }

            var error = run.Prefix(stage, part) + (outcome.Error ?? "Attempt failed.");
            var retry = outcome.Retryable && tryOnProvider < stage.Retry.MaxAttempts;
            await context.CallActivityAsync<bool>(TaskNames.RecordAttemptFailure, new AttemptFailureInput(run.TaskId, error, retry, AttemptFailureInput.AttemptKey(attempt)), Steps);
            if (!retry)
            {
                return outcome with { Error = error };
            }

            // Durable timers may fire up to about a second early on the Azure Storage backend: a provider's
            // Retry-After gets that second on top, so the retry never arrives before the time it asked for.
            var retryAfter = outcome.RetryAfter is { } asked ? asked + TimerSlack : (TimeSpan?)null;
            if (await DelayAsync(context, stage.Retry.DelayBefore(tryOnProvider, retryAfter), run.Cancelled))
            {
                return null;
            }
        }
    }

    private static string PathOf(ExecutionOutcome outcome) =>
        outcome.Results is { } results && results.TryGetValue(ProviderResultWriter.PartPath, out var path) && path.GetString() is { } text
            ? text
            : throw new InvalidOperationException("A provider part succeeded without a stored file.");

    private static T? Reported<T>(ExecutionOutcome outcome, string key)
        where T : struct =>
        outcome.Results is { } results && results.TryGetValue(key, out var value) && value.ValueKind is not JsonValueKind.Null
            ? value.Deserialize<T>()
            : null;

    /// <summary>The submit input of one job; the main job keeps the inputs' original shape in history (no part).</summary>
    private static JobAttemptInput AttemptInput(string taskId, ProviderStage stage, JobPart part, int stageIndex, int attempt) =>
        new(taskId, stageIndex, attempt, stage.Provider ?? ProviderType.LOCAL, part.Kind == JobPartKind.Main ? null : part);

    /// <summary>A one-activity step (LOCAL work, a synchronous provider call) raced against the cancel event.</summary>
    private static async Task<ExecutionOutcome?> RunOneShotAsync<TInput>(TaskOrchestrationContext context, string activity, TInput input, string taskId, Task cancelled)
    {
        var execution = context.CallActivityAsync<ExecutionOutcome>(activity, input, Steps);
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
        TaskOrchestrationContext context, string taskId, ProviderStage stage, JobPart part, int stageIndex, int attempt, Task cancelled)
    {
        var submitted = await context.CallActivityAsync<SubmitJobResult>(TaskNames.SubmitProviderJob, AttemptInput(taskId, stage, part, stageIndex, attempt), Steps);
        if (submitted.TaskEnded)
        {
            return null;
        }

        if (submitted.Job is not { } job)
        {
            return ExecutionOutcome.From(submitted.Failure ?? new ProviderFailure("The provider accepted no job.", ErrorCategory.PROVIDER_ERROR, true));
        }

        var step = new JobStepInput(taskId, job, attempt, Part: part.Kind == JobPartKind.Main ? null : part);
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
#pragma warning disable CA1849, VSTHRD103 // orchestrator code: CancelAsync would run the registrations off the orchestration thread
            stopTimer.Cancel();
#pragma warning restore CA1849, VSTHRD103
            return true;
        }

        return false;
    }

    /// <summary>What one orchestration run carries between stages: attempts counted across stages and parts, finished batch images, the mask.</summary>
    private sealed class Run(TaskOrchestrationContext context, string taskId, ExecutionPlan plan, Task cancelled)
    {
        public TaskOrchestrationContext Context { get; } = context;

        public string TaskId { get; } = taskId;

        public ExecutionPlan Plan { get; } = plan;

        public Task Cancelled { get; } = cancelled;

        /// <summary>Jobs and local steps run so far; each job's submit key is unique because of it.</summary>
        public int Attempts { get; set; }

        public Dictionary<int, string> BatchPaths { get; } = [];

        public string? MaskPath { get; set; }

        /// <summary>"[FAL] input_image_paths[1]: " — the provider when there are several stages, the part when it has a name.</summary>
        public string Prefix(ProviderStage stage, JobPart? part)
        {
            var provider = Plan.Stages.Count > 1 ? $"[{stage.Provider?.ToString() ?? "no provider"}] " : string.Empty;
            return part?.Label is { } label ? $"{provider}{label}: " : provider;
        }
    }
}
