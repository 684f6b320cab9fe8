using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers;

/// <summary>The registered job providers, call providers and request factories, by provider type.</summary>
public sealed class JobProviderRegistry(IEnumerable<IJobProvider> providers, IEnumerable<ICallProvider> callers, IEnumerable<IJobRequestFactory> factories)
{
    private readonly Dictionary<ProviderType, IJobProvider> providers = providers.ToDictionary(p => p.Type);
    private readonly Dictionary<ProviderType, ICallProvider> callers = callers.ToDictionary(p => p.Type);

    /// <summary>The synchronous client of <paramref name="type"/>; a classified INTERNAL failure when none is registered.</summary>
    public ICallProvider Caller(ProviderType type) =>
        callers.TryGetValue(type, out var caller)
            ? caller
            : throw new ProviderException(new ProviderFailure($"No client is registered for provider {type}.", ErrorCategory.INTERNAL, false));
    private readonly Dictionary<ProviderType, IJobRequestFactory> factories = factories.ToDictionary(f => f.Provider);

    /// <summary>The client of <paramref name="type"/>; a classified INTERNAL failure when none is registered.</summary>
    public IJobProvider Provider(ProviderType type) =>
        providers.TryGetValue(type, out var provider)
            ? provider
            : throw new ProviderException(new ProviderFailure($"No client is registered for provider {type}.", ErrorCategory.INTERNAL, false));

    public IJobRequestFactory RequestFactory(ProviderType type, TaskType taskType) =>
        factories.TryGetValue(type, out var factory) && factory.Supports(taskType)
            ? factory
            : throw new ProviderException(new ProviderFailure($"Provider {type} cannot run {taskType} tasks.", ErrorCategory.INTERNAL, false));
}
