using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers;

/// <summary>The configured retry and polling policy and declared capabilities of each provider (<see cref="IProviderSettings"/>).</summary>
public sealed class ProviderPolicies(IEnumerable<IProviderSettings> settings)
{
    private static readonly ProviderRetryOptions SingleAttempt = new() { MaxAttempts = 1 };
    private static readonly ProviderPollingOptions NoPolling = new();

    private readonly Dictionary<ProviderType, IProviderSettings> byType = settings.ToDictionary(s => s.Type);

    /// <summary>One-shot local work is deterministic: retrying it cannot help, so it gets one attempt.</summary>
    public (ProviderRetryOptions Retry, ProviderPollingOptions Polling) For(ProviderType? provider) =>
        provider is { } type && byType.TryGetValue(type, out var configured) ? (configured.Retry, configured.Polling) : (SingleAttempt, NoPolling);

    /// <summary>What the configured default app of <paramref name="provider"/> for <paramref name="taskType"/> declares it can do.</summary>
    public IReadOnlyList<string> DeclaredCapabilities(ProviderType? provider, TaskType taskType) =>
        provider is { } type && byType.TryGetValue(type, out var configured) ? configured.CapabilitiesOf(taskType) : [];
}
