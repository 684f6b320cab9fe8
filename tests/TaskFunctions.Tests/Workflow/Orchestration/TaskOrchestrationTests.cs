using System.Text.Json;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Workflow;
using static TaskFunctions.Tests.Workflow.Orchestration.ScriptedOrchestrationContext;

namespace TaskFunctions.Tests.Workflow.Orchestration;

/// <summary>
/// The orchestration itself, in process: scripted activity outcomes in, the exact sequence of activity calls, timers
/// and the final step out — every branch (retry, fallback, skipped stage, cancel, webhook, a failing bookkeeping step,
/// and the shapes of the multi-job kinds) without a backend.
/// </summary>
public sealed class TaskOrchestrationTests
{
    private const string Id = "task-1";

    private static readonly ProviderRetryOptions Retry = new() { MaxAttempts = 3, FirstRetryInterval = TimeSpan.FromSeconds(2), BackoffCoefficient = 2, MaxRetryInterval = TimeSpan.FromMinutes(1) };
    private static readonly ProviderPollingOptions Polling = new() { FirstInterval = TimeSpan.FromSeconds(1), Backoff = 2, MaxInterval = TimeSpan.FromSeconds(4), MaxPollFailures = 2 };

    [Fact]
    public async Task RunAsync_JobSucceeds_SubmitPollFetchComplete()
    {
        var context = Run(Plan(Fal()), Happy());

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(["StartTask", "SubmitProviderJob", "timer:1", "PollProviderJob", "FetchProviderResult", "CompleteTask"], context.Steps);
        var complete = Assert.Single(context.InputsOf<CompleteTaskInput>("CompleteTask"));
        Assert.Equal("generations/task-1/result.png", complete.Results["result_image_path"].GetString());
    }

    [Fact]
    public async Task RunAsync_StartFindsTaskEnded_DoesNothingElse()
    {
        var context = new ScriptedOrchestrationContext(call => call.Name == TaskNames.StartTask ? new StartTaskResult(false, "Task is CANCELLED.") : Unexpected(call));

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(["StartTask"], context.Steps);
    }

    [Fact]
    public async Task RunAsync_TaskEndedWhilePending_DeliversTheOwedWebhookOnly()
    {
        var context = new ScriptedOrchestrationContext(call => call.Name switch
        {
            TaskNames.StartTask => new StartTaskResult(false, "Task is CANCELLED.", DeliverWebhook: true),
            TaskNames.DeliverWebhook => new WebhookDeliveryResult("delivered", null),
            _ => Unexpected(call),
        });

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(["StartTask", "DeliverWebhook"], context.Steps);
    }

    [Fact]
    public async Task RunAsync_JobStillRunning_PollsOnGrowingTimersUpToTheMax()
    {
        var context = Run(Plan(Fal()), Happy(polls: [ProviderJobState.Queued, ProviderJobState.Running, ProviderJobState.Running, ProviderJobState.Running, ProviderJobState.Completed]));

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(
            ["StartTask", "SubmitProviderJob", "timer:1", "PollProviderJob", "timer:2", "PollProviderJob", "timer:4", "PollProviderJob", "timer:4", "PollProviderJob", "timer:4", "PollProviderJob", "FetchProviderResult", "CompleteTask"],
            context.Steps);
        Assert.Equal([1, 2, 3, 4, 5], context.InputsOf<JobStepInput>("PollProviderJob").Select(p => p.Step));
    }

    [Fact]
    public async Task RunAsync_TwoRetryableFailures_RetriesWithBackoffThenCompletes()
    {
        var failures = 0;
        var context = Run(Plan(Fal()), call => call.Name == TaskNames.SubmitProviderJob && failures++ < 2
            ? new SubmitJobResult(null, new ProviderFailure("503 from fal", ErrorCategory.PROVIDER_UNAVAILABLE, true))
            : Happy()(call));

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(
            ["StartTask", "SubmitProviderJob", "RecordAttemptFailure", "timer:2", "SubmitProviderJob", "RecordAttemptFailure", "timer:4", "SubmitProviderJob", "timer:1", "PollProviderJob", "FetchProviderResult", "CompleteTask"],
            context.Steps);
        Assert.Equal([true, true], context.InputsOf<AttemptFailureInput>("RecordAttemptFailure").Select(f => f.WillRetry));
        Assert.Equal([1, 2, 3], context.InputsOf<JobAttemptInput>("SubmitProviderJob").Select(s => s.Attempt));
    }

    [Fact]
    public async Task RunAsync_RetryAfterLongerThanBackoff_WaitsRetryAfterPlusASecond()
    {
        var failed = false;
        var context = Run(Plan(Fal()), call => call.Name == TaskNames.SubmitProviderJob && !failed && (failed = true)
            ? new SubmitJobResult(null, new ProviderFailure("429", ErrorCategory.RATE_LIMITED, true, TimeSpan.FromSeconds(30)))
            : Happy()(call));

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Contains("timer:31", context.Steps);
    }

    [Fact]
    public async Task RunAsync_PrimaryExhausted_ActivatesFallbackAndCompletesThere()
    {
        var context = Run(Plan(Fal(), Fal(ProviderType.REPLICATE)), call => call.Name == TaskNames.SubmitProviderJob && call.InputAs<JobAttemptInput>().Stage == 0
            ? new SubmitJobResult(null, new ProviderFailure("502", ErrorCategory.PROVIDER_UNAVAILABLE, true))
            : Happy()(call));

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(
            ["StartTask", "SubmitProviderJob", "RecordAttemptFailure", "timer:2", "SubmitProviderJob", "RecordAttemptFailure", "timer:4", "SubmitProviderJob", "RecordAttemptFailure",
             "ActivateFallback", "SubmitProviderJob", "timer:1", "PollProviderJob", "FetchProviderResult", "CompleteTask"],
            context.Steps);
        var submits = context.InputsOf<JobAttemptInput>("SubmitProviderJob").ToList();
        Assert.Equal([ProviderType.FAL, ProviderType.FAL, ProviderType.FAL, ProviderType.REPLICATE], submits.Select(s => s.Provider));
        Assert.Equal(["0:1", "0:2", "0:3", "1:4"], submits.Select(s => s.AttemptKey));
        Assert.All(context.InputsOf<AttemptFailureInput>("RecordAttemptFailure"), f => Assert.StartsWith("[FAL] ", f.Error, StringComparison.Ordinal));
        Assert.Equal([true, true, false], context.InputsOf<AttemptFailureInput>("RecordAttemptFailure").Select(f => f.WillRetry));
        Assert.Equal(["attempt-1", "attempt-2", "attempt-3"], context.InputsOf<AttemptFailureInput>("RecordAttemptFailure").Select(f => f.FailureKey));
    }

    [Fact]
    public async Task RunAsync_ValidationFailure_FailsAtOnceWithoutFallback()
    {
        var context = Run(Plan(Fal(), Fal(ProviderType.REPLICATE)), call => call.Name == TaskNames.SubmitProviderJob
            ? new SubmitJobResult(null, new ProviderFailure("prompt: field required", ErrorCategory.VALIDATION, false))
            : Happy()(call));

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(["StartTask", "SubmitProviderJob", "RecordAttemptFailure", "FailTask"], context.Steps);
        Assert.Equal(ErrorCategory.VALIDATION, Assert.Single(context.InputsOf<FailTaskInput>("FailTask")).Category);
    }

    [Fact]
    public async Task RunAsync_ProviderReportsJobFailed_RetriesAsANewJob()
    {
        var polls = 0;
        var context = Run(Plan(Fal()), call => call.Name == TaskNames.PollProviderJob && polls++ == 0
            ? new PollJobResult(ProviderJobState.Failed, new ProviderFailure("model crashed", ErrorCategory.PROVIDER_ERROR, true))
            : Happy()(call));

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(2, context.Steps.Count(s => s == "SubmitProviderJob"));
        Assert.Equal("CompleteTask", context.Steps[^1]);
    }

    [Fact]
    public async Task RunAsync_StageThatCannotServe_IsSkippedAndTheFallbackRuns()
    {
        var refused = new ProviderStage(ProviderType.FAL, StageExecutor.Missing, new ProviderRetryOptions { MaxAttempts = 1 }, Polling, TimeSpan.FromMinutes(10), "FAL cannot serve this request: upscale_factor 8 needs capability UPSCALE_8X.", ErrorCategory.VALIDATION);
        var context = Run(Plan(refused, Fal(ProviderType.REPLICATE)), Happy());

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(["StartTask", "RecordAttemptFailure", "ActivateFallback", "SubmitProviderJob", "timer:1", "PollProviderJob", "FetchProviderResult", "CompleteTask"], context.Steps);
        Assert.Contains("UPSCALE_8X", Assert.Single(context.InputsOf<AttemptFailureInput>("RecordAttemptFailure")).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_OnlyStageCannotServe_FailsWithItsCategory()
    {
        var refused = new ProviderStage(ProviderType.FAL, StageExecutor.Missing, new ProviderRetryOptions { MaxAttempts = 1 }, Polling, TimeSpan.FromMinutes(10), "cannot serve", ErrorCategory.VALIDATION);
        var context = Run(Plan(refused), Happy());

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(["StartTask", "RecordAttemptFailure", "FailTask"], context.Steps);
        Assert.Equal(ErrorCategory.VALIDATION, Assert.Single(context.InputsOf<FailTaskInput>("FailTask")).Category);
    }

    [Fact]
    public async Task RunAsync_CancelDuringTheWait_CancelsTheJobAndFetchesNothing()
    {
        var context = Run(Plan(Fal()), Happy(polls: [ProviderJobState.Running, ProviderJobState.Running, ProviderJobState.Completed]));
        context.CancelAfter = (TaskNames.PollProviderJob, 1);

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(["StartTask", "SubmitProviderJob", "timer:1", "PollProviderJob", "CancelProviderJob"], context.Steps);
    }

    [Fact]
    public async Task RunAsync_CancelDuringRetryWait_StopsWithoutAnotherAttempt()
    {
        var context = Run(Plan(Fal()), call => call.Name == TaskNames.SubmitProviderJob
            ? new SubmitJobResult(null, new ProviderFailure("503", ErrorCategory.PROVIDER_UNAVAILABLE, true))
            : Happy()(call));
        context.CancelAfter = (TaskNames.RecordAttemptFailure, 1);

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(["StartTask", "SubmitProviderJob", "RecordAttemptFailure"], context.Steps);
    }

    [Fact]
    public async Task RunAsync_JobCancelledAtTheProvider_IsAFailedAttemptNotASilentStop()
    {
        var polls = 0;
        var context = Run(Plan(Fal()), call => call.Name == TaskNames.PollProviderJob && polls++ == 0
            ? new PollJobResult(ProviderJobState.Failed, new ProviderFailure("prediction was canceled", ErrorCategory.CANCELLED, false))
            : Happy()(call));

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(2, context.Steps.Count(s => s == "SubmitProviderJob"));
        Assert.Contains("not through this service", Assert.Single(context.InputsOf<AttemptFailureInput>("RecordAttemptFailure")).Error, StringComparison.Ordinal);
        Assert.Equal("CompleteTask", context.Steps[^1]);
    }

    [Fact]
    public async Task RunAsync_DeadlinePasses_CancelsTheJobAndRetriesAsTimeout()
    {
        var stage = new ProviderStage(ProviderType.FAL, StageExecutor.Job, new ProviderRetryOptions { MaxAttempts = 2, FirstRetryInterval = TimeSpan.FromSeconds(2) }, Polling, TimeSpan.FromSeconds(5));
        var jobs = 0;
        var context = Run(Plan(stage), call => call.Name switch
        {
            TaskNames.SubmitProviderJob => new SubmitJobResult(new ProviderJob(ProviderType.FAL, "app", $"job-{++jobs}"), null),
            TaskNames.PollProviderJob when call.InputAs<JobStepInput>().Job.JobId == "job-1" => new PollJobResult(ProviderJobState.Running, null),
            _ => Happy()(call),
        });

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(
            ["StartTask", "SubmitProviderJob", "timer:1", "PollProviderJob", "timer:2", "PollProviderJob", "timer:2", "PollProviderJob", "CancelProviderJob", "RecordAttemptFailure", "timer:2",
             "SubmitProviderJob", "timer:1", "PollProviderJob", "FetchProviderResult", "CompleteTask"],
            context.Steps);
        Assert.Contains("within 5 s", Assert.Single(context.InputsOf<AttemptFailureInput>("RecordAttemptFailure")).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TransientResultFetchFailure_FetchesAgainWithoutANewJob()
    {
        var fetches = 0;
        var context = Run(Plan(Fal()), call => call.Name == TaskNames.FetchProviderResult && fetches++ == 0
            ? ExecutionOutcome.From(new ProviderFailure("file host 503", ErrorCategory.PROVIDER_UNAVAILABLE, true))
            : Happy()(call));

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(["StartTask", "SubmitProviderJob", "timer:1", "PollProviderJob", "FetchProviderResult", "timer:1", "FetchProviderResult", "CompleteTask"], context.Steps);
    }

    [Fact]
    public async Task RunAsync_BookkeepingStepFailsForGood_EndsTheTaskInternal()
    {
        var context = Run(Plan(Fal()), call => call.Name == TaskNames.CompleteTask && call.Ordinal == 1 ? new InvalidOperationException("storage down") : Happy()(call));

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(["StartTask", "SubmitProviderJob", "timer:1", "PollProviderJob", "FetchProviderResult", "CompleteTask", "FailTask"], context.Steps);
        var fail = Assert.Single(context.InputsOf<FailTaskInput>("FailTask"));
        Assert.Equal(ErrorCategory.INTERNAL, fail.Category);
        Assert.Contains("storage down", fail.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WebhookAsksForRetries_DeliversOnTimersAfterTheTerminalState()
    {
        var context = Run(Plan(Fal()) with { HasWebhook = true }, call => call.Name == TaskNames.DeliverWebhook
            ? new WebhookDeliveryResult(call.Ordinal < 3 ? "retrying" : "delivered", call.Ordinal < 3 ? TimeSpan.FromSeconds(5 * call.Ordinal) : null)
            : Happy()(call));

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(["CompleteTask", "DeliverWebhook", "timer:5", "DeliverWebhook", "timer:10", "DeliverWebhook"], context.Steps[^6..]);
        Assert.Equal([1, 2, 3], context.InputsOf<WebhookDeliveryInput>("DeliverWebhook").Select(d => d.Attempt));
    }

    [Fact]
    public async Task RunAsync_WebhookAfterFailure_IsStillDelivered()
    {
        var context = Run(Plan(Fal()) with { HasWebhook = true }, call => call.Name switch
        {
            TaskNames.SubmitProviderJob => new SubmitJobResult(null, new ProviderFailure("bad", ErrorCategory.VALIDATION, false)),
            TaskNames.DeliverWebhook => new WebhookDeliveryResult("delivered", null),
            _ => Happy()(call),
        });

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(["FailTask", "DeliverWebhook"], context.Steps[^2..]);
    }

    [Fact]
    public async Task RunAsync_CallProvider_OneActivityPerAttempt()
    {
        var stage = new ProviderStage(ProviderType.OPENAI, StageExecutor.Call, Retry, Polling, TimeSpan.FromMinutes(10));
        var calls = 0;
        var context = Run(Plan(stage), call => call.Name == TaskNames.CallProvider && calls++ == 0
            ? ExecutionOutcome.From(new ProviderFailure("429", ErrorCategory.RATE_LIMITED, true, TimeSpan.FromSeconds(3)))
            : call.Name == TaskNames.CallProvider ? Success("result_text", "hello") : Happy()(call));

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(["StartTask", "CallProvider", "RecordAttemptFailure", "timer:4", "CallProvider", "CompleteTask"], context.Steps);
        Assert.Equal([ProviderType.OPENAI, ProviderType.OPENAI], context.InputsOf<JobAttemptInput>("CallProvider").Select(c => c.Provider));
    }

    [Fact]
    public async Task RunAsync_Batch_OneJobPerImageInOrderThenTheList()
    {
        var context = Run(Plan(Fal()) with { Shape = WorkflowShape.Batch, BatchSize = 3 }, Happy());

        await TaskOrchestration.RunAsync(context, Input());

        var parts = context.InputsOf<JobAttemptInput>("SubmitProviderJob").Select(s => s.Part!).ToList();
        Assert.Equal([0, 1, 2], parts.Select(p => p.Index));
        Assert.All(parts, p => Assert.Equal(JobPartKind.Image, p.Kind));
        var complete = Assert.Single(context.InputsOf<CompleteTaskInput>("CompleteTask"));
        Assert.Equal(["out/Image-0", "out/Image-1", "out/Image-2"], complete.Results["result_image_paths"].EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task RunAsync_BatchImageFailsForGood_FailsNamingItsIndexWithoutAList()
    {
        var context = Run(Plan(Fal()) with { Shape = WorkflowShape.Batch, BatchSize = 3 }, call => call.Name == TaskNames.SubmitProviderJob && call.InputAs<JobAttemptInput>().Part!.Index == 1
            ? new SubmitJobResult(null, new ProviderFailure("image_too_large", ErrorCategory.VALIDATION, false))
            : Happy()(call));

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal("FailTask", context.Steps[^1]);
        Assert.DoesNotContain("CompleteTask", context.Steps);
        Assert.Equal([0, 1], context.InputsOf<JobAttemptInput>("SubmitProviderJob").Select(s => s.Part!.Index));
        Assert.StartsWith("input_image_paths[1]: ", Assert.Single(context.InputsOf<AttemptFailureInput>("RecordAttemptFailure")).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BatchImageFailsOnPrimary_FallbackRunsOnlyTheImagesLeft()
    {
        var context = Run(Plan(Fal(), Fal(ProviderType.REPLICATE)) with { Shape = WorkflowShape.Batch, BatchSize = 3 }, call =>
            call.Name == TaskNames.SubmitProviderJob && call.InputAs<JobAttemptInput>() is { Stage: 0, Part.Index: 1 }
                ? new SubmitJobResult(null, new ProviderFailure("model error", ErrorCategory.PROVIDER_ERROR, false))
                : Happy()(call));

        await TaskOrchestration.RunAsync(context, Input());

        var submits = context.InputsOf<JobAttemptInput>("SubmitProviderJob").Select(s => (s.Stage, s.Part!.Index)).ToList();
        Assert.Equal([(0, 0), (0, 1), (1, 1), (1, 2)], submits);
        Assert.Equal("CompleteTask", context.Steps[^1]);
    }

    [Fact]
    public async Task RunAsync_Passes_FacePassGetsTheUpscaleOutputAndFinishGetsTheLast()
    {
        var context = Run(Plan(Fal()) with { Shape = WorkflowShape.Passes, Upscale = true, FaceDetail = true }, Happy());

        await TaskOrchestration.RunAsync(context, Input());

        var parts = context.InputsOf<JobAttemptInput>("SubmitProviderJob").Select(s => s.Part!).ToList();
        Assert.Equal([(JobPartKind.Upscale, null), (JobPartKind.FaceDetail, "out/Upscale-0")], parts.Select(p => (p.Kind, p.Source)));
        Assert.Equal("out/FaceDetail-0", Assert.Single(context.InputsOf<FinishRefineInput>("FinishRefine")).SourcePath);
        Assert.Equal(["FinishRefine", "CompleteTask"], context.Steps[^2..]);
    }

    [Fact]
    public async Task RunAsync_PassesFaceOnly_SubmitsOnlyTheFacePassOnTheInput()
    {
        var context = Run(Plan(Fal()) with { Shape = WorkflowShape.Passes, Upscale = false, FaceDetail = true }, Happy());

        await TaskOrchestration.RunAsync(context, Input());

        var part = Assert.Single(context.InputsOf<JobAttemptInput>("SubmitProviderJob")).Part!;
        Assert.Equal((JobPartKind.FaceDetail, (string?)null), (part.Kind, part.Source));
    }

    [Fact]
    public async Task RunAsync_QualityLoopSecondAttemptPasses_KeepsItAndStops()
    {
        var context = Run(Plan(Fal()) with { Shape = WorkflowShape.QualityLoop, Quality = new QualityGate(3, 0.85) }, Scores(0.4, 0.93, 0.99));

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal([1, 2], context.InputsOf<JobAttemptInput>("SubmitProviderJob").Select(s => s.Part!.Index));
        var results = Assert.Single(context.InputsOf<CompleteTaskInput>("CompleteTask")).Results;
        Assert.Equal("out/FaceAttempt-2", results["result_image_path"].GetString());
        Assert.Equal(2, results["attempts_used"].GetInt32());
        Assert.Equal(0.93, results["final_ssim_score"].GetDouble());
        Assert.False(results["face_detected"].GetBoolean());
        Assert.Equal(JsonValueKind.Null, results["final_lpips_score"].ValueKind);
    }

    [Fact]
    public async Task RunAsync_QualityLoopNeverPasses_KeepsTheMostSimilarAfterAllAttempts()
    {
        var context = Run(Plan(Fal()) with { Shape = WorkflowShape.QualityLoop, Quality = new QualityGate(3, 0.85) }, Scores(0.5, 0.7, 0.6));

        await TaskOrchestration.RunAsync(context, Input());

        var results = Assert.Single(context.InputsOf<CompleteTaskInput>("CompleteTask")).Results;
        Assert.Equal("out/FaceAttempt-2", results["result_image_path"].GetString());
        Assert.Equal(3, results["attempts_used"].GetInt32());
        Assert.Equal(0.7, results["final_ssim_score"].GetDouble());
    }

    [Fact]
    public async Task RunAsync_LocalNeedsPersonMask_RunsTheMaskJobThenTheLocalStepWithIt()
    {
        var local = new ProviderStage(ProviderType.LOCAL, StageExecutor.Local, new ProviderRetryOptions { MaxAttempts = 1 }, new ProviderPollingOptions(), TimeSpan.FromMinutes(10));
        var context = Run(Plan(local) with { MaskStage = Fal() }, call => call.Name == TaskNames.ExecuteLocalTask
            ? call.InputAs<LocalTaskInput>().MaskPath is null
                ? ExecutionOutcome.Failure("no alpha", ErrorCategory.VALIDATION) with { NeedsPersonMask = true }
                : Success("result_image_path", "background-fixes/task-1/result.png")
            : Happy()(call));

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(["StartTask", "ExecuteLocalTask", "SubmitProviderJob", "timer:1", "PollProviderJob", "FetchProviderResult", "ExecuteLocalTask", "CompleteTask"], context.Steps);
        Assert.Equal(JobPartKind.Mask, Assert.Single(context.InputsOf<JobAttemptInput>("SubmitProviderJob")).Part!.Kind);
        Assert.Equal([null, "out/Mask-0"], context.InputsOf<LocalTaskInput>("ExecuteLocalTask").Select(l => l.MaskPath));
    }

    [Fact]
    public async Task RunAsync_LocalStepFails_FailsWithoutRetry()
    {
        var local = new ProviderStage(ProviderType.LOCAL, StageExecutor.Local, new ProviderRetryOptions { MaxAttempts = 1 }, new ProviderPollingOptions(), TimeSpan.FromMinutes(10));
        var context = Run(Plan(local), call => call.Name == TaskNames.ExecuteLocalTask ? ExecutionOutcome.Failure("input_image: truncated", ErrorCategory.VALIDATION) : Happy()(call));

        await TaskOrchestration.RunAsync(context, Input());

        Assert.Equal(["StartTask", "ExecuteLocalTask", "RecordAttemptFailure", "FailTask"], context.Steps);
    }

    private static TaskOrchestrationInput Input() => new(Id, TaskType.GENERATION, ProviderType.FAL);

    private static ProviderStage Fal(ProviderType provider = ProviderType.FAL) => new(provider, StageExecutor.Job, Retry, Polling, TimeSpan.FromMinutes(10));

    private static ExecutionPlan Plan(params ProviderStage[] stages) => new(stages, HasWebhook: false);

    private static ScriptedOrchestrationContext Run(ExecutionPlan plan, Func<ActivityCall, object?> answer) =>
        new(call => call.Name == TaskNames.StartTask ? new StartTaskResult(true, null, plan) : answer(call));

    /// <summary>Every job succeeds: submitted, polled through <paramref name="polls"/> (Completed by default), fetched.</summary>
    private static Func<ActivityCall, object?> Happy(ProviderJobState[]? polls = null) => call => call.Name switch
    {
        TaskNames.SubmitProviderJob => new SubmitJobResult(new ProviderJob(call.InputAs<JobAttemptInput>().Provider, "app", $"job-{call.Ordinal}"), null),
        TaskNames.PollProviderJob => new PollJobResult((polls ?? [ProviderJobState.Completed])[Math.Min(call.InputAs<JobStepInput>().Step, (polls ?? [ProviderJobState.Completed]).Length) - 1], null),
        TaskNames.FetchProviderResult => call.InputAs<JobStepInput>().Part is { } part
            ? Success(ProviderResultWriter.PartPath, $"out/{part.Kind}-{part.Index}")
            : Success("result_image_path", "generations/task-1/result.png"),
        TaskNames.FinishRefine => Success("result_image_path", "refines/task-1/result.png"),
        TaskNames.CompleteTask or TaskNames.FailTask or TaskNames.RecordAttemptFailure or TaskNames.ActivateFallback or TaskNames.CancelProviderJob => true,
        _ => Unexpected(call),
    };

    private static Func<ActivityCall, object?> Scores(params double[] ssim) => call => call.Name == TaskNames.ScoreFaceAttempt
        ? ssim[call.Ordinal - 1]
        : Happy()(call);

    private static ExecutionOutcome Success(string key, string value) =>
        ExecutionOutcome.Success(new Dictionary<string, JsonElement> { [key] = JsonSerializer.SerializeToElement(value) });

    private static object Unexpected(ActivityCall call) => throw new InvalidOperationException($"Unexpected activity {call.Name}.");
}
