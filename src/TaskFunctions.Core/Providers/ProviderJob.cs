using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers;

/// <summary>
/// A submitted provider job, as recorded on the task right after submission and passed through orchestration history
/// (ids and URLs only). The URLs are the ones the provider returned; clients fall back to building them.
/// </summary>
public sealed record ProviderJob(ProviderType Provider, string Endpoint, string JobId, string? StatusUrl = null, string? ResultUrl = null, string? CancelUrl = null);
