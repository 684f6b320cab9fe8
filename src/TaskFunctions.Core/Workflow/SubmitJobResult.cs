using TaskFunctions.Core.Providers;

namespace TaskFunctions.Core.Workflow;

/// <summary>Outcome of <see cref="TaskNames.SubmitProviderJob"/>: the job, a classified failure, or that the task already ended.</summary>
public sealed record SubmitJobResult(ProviderJob? Job, ProviderFailure? Failure, bool TaskEnded = false);
