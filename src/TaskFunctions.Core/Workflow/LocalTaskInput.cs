namespace TaskFunctions.Core.Workflow;

/// <summary>Input of <see cref="TaskNames.ExecuteLocalTask"/>: the task, and the stored person mask when a provider made one.</summary>
public sealed record LocalTaskInput(string TaskId, string? MaskPath = null);
