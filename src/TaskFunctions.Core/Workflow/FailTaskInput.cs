using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow;

/// <summary>Input of <see cref="TaskNames.FailTask"/>.</summary>
public sealed record FailTaskInput(string TaskId, string Error, ErrorCategory Category);
