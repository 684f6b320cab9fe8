namespace TaskFunctions.Core.Workflow;

/// <summary>Every orchestration, activity and event name, in one place for both hosts.</summary>
public static class TaskNames
{
    /// <summary>The one orchestration per task; its instance id is the task id.</summary>
    public const string TaskOrchestration = nameof(TaskOrchestration);

    /// <summary>PENDING → RUNNING (or stop if the task already ended).</summary>
    public const string StartTask = nameof(StartTask);

    /// <summary>Runs a LOCAL executor (one-shot, in-process image work).</summary>
    public const string ExecuteLocalTask = nameof(ExecuteLocalTask);

    /// <summary>RUNNING → COMPLETED with result fields.</summary>
    public const string CompleteTask = nameof(CompleteTask);

    /// <summary>RUNNING → FAILED with errors and error_category.</summary>
    public const string FailTask = nameof(FailTask);

    /// <summary>External event raised by the cancel route.</summary>
    public const string CancelEvent = "cancel";

    /// <summary>All orchestration names.</summary>
    public static IReadOnlyList<string> Orchestrations { get; } = [TaskOrchestration];

    /// <summary>All activity names.</summary>
    public static IReadOnlyList<string> Activities { get; } = [StartTask, ExecuteLocalTask, CompleteTask, FailTask];
}
