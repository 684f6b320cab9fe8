using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers;

/// <summary>
/// An asynchronous job provider (fal.ai queue, Replicate predictions, ComfyUI, ...): submit → job, poll status,
/// fetch the result, cancel. Each call is one short HTTP exchange; the workflow does the waiting on durable timers.
/// Every outbound call is recorded in <paramref name="log"/>; failures are thrown as <see cref="ProviderException"/>
/// already classified (category, retryable, Retry-After).
/// One-shot providers (LOCAL) do not implement this: the workflow runs them as a single activity.
/// </summary>
public interface IJobProvider
{
    ProviderType Type { get; }

    Task<ProviderJob> SubmitAsync(ProviderJobRequest request, ServiceRequestLog log, CancellationToken cancellationToken);

    Task<ProviderJobStatus> GetStatusAsync(ProviderJob job, ServiceRequestLog log, CancellationToken cancellationToken);

    Task<ProviderOutput> GetResultAsync(ProviderJob job, ServiceRequestLog log, CancellationToken cancellationToken);

    /// <summary>Best-effort cancel; true when the provider accepted it, false when the job had already finished or is unknown.</summary>
    Task<bool> CancelAsync(ProviderJob job, ServiceRequestLog log, CancellationToken cancellationToken);
}
