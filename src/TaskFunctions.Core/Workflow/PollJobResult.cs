using TaskFunctions.Core.Providers;

namespace TaskFunctions.Core.Workflow;

/// <summary>
/// Outcome of <see cref="TaskNames.PollProviderJob"/>: the job's state, or a failure (a transient one when
/// <see cref="State"/> is null and the failure is retryable), or that the task ended meanwhile (cancelled, deleted).
/// </summary>
/// A poll that finds the job finished writes nothing: its calls travel in <see cref="ServiceRequests"/> to the result fetch.
public sealed record PollJobResult(ProviderJobState? State, ProviderFailure? Failure, bool TaskEnded = false, IReadOnlyList<ServiceRequestRecord>? ServiceRequests = null);
