namespace TaskFunctions.Core.Workflow;

/// <summary>
/// Outcome of <see cref="TaskNames.StartTask"/>: whether the workflow should go on, and with which plan; when it should
/// not because the task already ended (cancelled while PENDING), whether its terminal-state webhook is still owed.
/// </summary>
public sealed record StartTaskResult(bool Proceed, string? Reason, ExecutionPlan? Plan = null, bool DeliverWebhook = false);
