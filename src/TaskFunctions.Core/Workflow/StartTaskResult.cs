namespace TaskFunctions.Core.Workflow;

/// <summary>Outcome of <see cref="TaskNames.StartTask"/>: whether the workflow should go on, and with which plan.</summary>
public sealed record StartTaskResult(bool Proceed, string? Reason, ExecutionPlan? Plan = null);
