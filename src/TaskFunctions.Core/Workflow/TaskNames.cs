namespace TaskFunctions.Core.Workflow;

/// <summary>Every orchestration, activity and event name, in one place for both hosts.</summary>
public static class TaskNames
{
    /// <summary>The one orchestration per task; its instance id is the task id.</summary>
    public const string TaskOrchestration = nameof(TaskOrchestration);

    /// <summary>PENDING → RUNNING (or stop if the task already ended); returns the execution plan.</summary>
    public const string StartTask = nameof(StartTask);

    /// <summary>Runs a LOCAL executor (one-shot, in-process image work).</summary>
    public const string ExecuteLocalTask = nameof(ExecuteLocalTask);

    /// <summary>Submits a provider job and records its id on the task at once (or finds the one already recorded).</summary>
    public const string SubmitProviderJob = nameof(SubmitProviderJob);

    /// <summary>One status poll of a provider job; writes progress.</summary>
    public const string PollProviderJob = nameof(PollProviderJob);

    /// <summary>Fetches a finished job's output and copies its files into Blob Storage.</summary>
    public const string FetchProviderResult = nameof(FetchProviderResult);

    /// <summary>One synchronous provider call (OpenAI-compatible) whose output is stored at once.</summary>
    public const string CallProvider = nameof(CallProvider);

    /// <summary>Best-effort cancel of a provider job.</summary>
    public const string CancelProviderJob = nameof(CancelProviderJob);

    /// <summary>FACE_ENHANCER: SSIM of one attempt's output against the input image.</summary>
    public const string ScoreFaceAttempt = nameof(ScoreFaceAttempt);

    /// <summary>REFINE: the last pass's output brought to the exact target size and stored as the result.</summary>
    public const string FinishRefine = nameof(FinishRefine);

    /// <summary>Appends a failed attempt's message (and counts the retry that follows).</summary>
    public const string RecordAttemptFailure = nameof(RecordAttemptFailure);

    /// <summary>Switches the task to its fallback provider.</summary>
    public const string ActivateFallback = nameof(ActivateFallback);

    /// <summary>RUNNING → COMPLETED with result fields.</summary>
    public const string CompleteTask = nameof(CompleteTask);

    /// <summary>RUNNING → FAILED with errors and error_category.</summary>
    public const string FailTask = nameof(FailTask);

    /// <summary>One delivery attempt of the terminal-state webhook.</summary>
    public const string DeliverWebhook = nameof(DeliverWebhook);

    /// <summary>External event raised by the cancel route.</summary>
    public const string CancelEvent = "cancel";

    /// <summary>All orchestration names.</summary>
    public static IReadOnlyList<string> Orchestrations { get; } = [TaskOrchestration];

    /// <summary>All activity names.</summary>
    public static IReadOnlyList<string> Activities { get; } =
    [
        StartTask, ExecuteLocalTask, SubmitProviderJob, PollProviderJob, FetchProviderResult, CallProvider, CancelProviderJob,
        ScoreFaceAttempt, FinishRefine, RecordAttemptFailure, ActivateFallback, CompleteTask, FailTask, DeliverWebhook,
    ];
}
