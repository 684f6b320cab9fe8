namespace TaskFunctions.Core.Workflow;

/// <summary>Outcome of <see cref="TaskNames.StartTask"/>: whether the workflow should go on.</summary>
public sealed record StartTaskResult(bool Proceed, string? Reason);
