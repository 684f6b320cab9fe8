namespace TaskFunctions.Core.Providers;

/// <summary>
/// A synchronous provider (OpenAI-compatible chat and images): one HTTP call per attempt that returns the output
/// itself, run as a single activity under a per-call timeout well inside the activity limit. Every call is recorded in
/// <paramref name="log"/>; failures are thrown as <see cref="ProviderException"/> already classified. Outputs that
/// arrive as bytes (b64_json) travel as <see cref="ProviderFile.Content"/> and are stored by the result writer.
/// </summary>
public interface ICallProvider
{
    Tasks.ProviderType Type { get; }

    Task<ProviderOutput> CallAsync(ProviderJobRequest request, ServiceRequestLog log, CancellationToken cancellationToken);
}
