using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow;

/// <summary>Input of <see cref="TaskNames.FailTask"/>; a null <paramref name="Error"/> means the attempts already recorded it.</summary>
public sealed record FailTaskInput(string TaskId, string? Error, ErrorCategory Category);
