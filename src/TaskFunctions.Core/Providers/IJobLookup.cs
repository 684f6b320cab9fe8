namespace TaskFunctions.Core.Providers;

/// <summary>
/// A job provider that can be asked what an earlier submit created when its answer never arrived (the process died
/// between sending and recording, or the submit timed out): the workflow then adopts that job instead of submitting a
/// second one. Providers that cannot be asked (fal's queue, OpenAI) do not implement this; see README "Crash safety".
/// </summary>
public interface IJobLookup
{
    /// <summary>
    /// The job an earlier submit of <paramref name="request"/> (same <see cref="ProviderJobRequest.SubmitKey"/>) created
    /// at or after <paramref name="since"/>; null when the provider has none, or cannot tell it apart from others.
    /// </summary>
    Task<ProviderJob?> FindSubmittedAsync(ProviderJobRequest request, DateTimeOffset since, ServiceRequestLog log, CancellationToken cancellationToken);
}
