using Microsoft.Extensions.Options;
using TaskFunctions.Core.Providers.Fal;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers;

/// <summary>The configured retry and polling policy of each provider.</summary>
public sealed class ProviderPolicies(IOptions<FalOptions> fal)
{
    private static readonly ProviderRetryOptions SingleAttempt = new() { MaxAttempts = 1 };
    private static readonly ProviderPollingOptions NoPolling = new();

    /// <summary>One-shot local work is deterministic: retrying it cannot help, so it gets one attempt.</summary>
    public (ProviderRetryOptions Retry, ProviderPollingOptions Polling) For(ProviderType? provider) => provider switch
    {
        ProviderType.FAL => (fal.Value.Retry, fal.Value.Polling),
        _ => (SingleAttempt, NoPolling),
    };

    /// <summary>What the configured default app of <paramref name="provider"/> for <paramref name="taskType"/> declares it can do.</summary>
    public IReadOnlyList<string> DeclaredCapabilities(ProviderType? provider, TaskType taskType) => provider switch
    {
        ProviderType.FAL => fal.Value.CapabilitiesOf(taskType),
        _ => [],
    };
}
