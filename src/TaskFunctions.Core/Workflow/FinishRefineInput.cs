namespace TaskFunctions.Core.Workflow;

/// <summary>Input of <see cref="TaskNames.FinishRefine"/>: the stored output of REFINE's last pass.</summary>
public sealed record FinishRefineInput(string TaskId, string SourcePath);
