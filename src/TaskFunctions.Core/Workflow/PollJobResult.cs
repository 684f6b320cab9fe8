using TaskFunctions.Core.Providers;

namespace TaskFunctions.Core.Workflow;

/// <summary>
/// Outcome of <see cref="TaskNames.PollProviderJob"/>: the job's state, or a failure (a transient one when
/// <see cref="State"/> is null and the failure is retryable), or that the task ended meanwhile (cancelled, deleted).
/// </summary>
public sealed record PollJobResult(ProviderJobState? State, ProviderFailure? Failure, bool TaskEnded = false);
