using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.Replicate;

/// <summary>DI registration of the Replicate predictions provider.</summary>
public static class ReplicateServiceCollectionExtensions
{
    // A prediction is JSON with URLs (and, from LLMs, text), never file bytes; anything bigger is not a Replicate answer.
    private const long MaxResponseBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Binds and validates <see cref="ReplicateOptions"/> from section <c>Providers:Replicate</c> on start and registers
    /// <see cref="ReplicateClient"/> as a typed <see cref="IHttpClientFactory"/> client, also as <see cref="IJobProvider"/>
    /// (keyed by <see cref="ProviderType.REPLICATE"/> and in the unkeyed set), its options as <see cref="IProviderSettings"/>
    /// and <see cref="ReplicateRequestMapper"/> as the provider's <see cref="IJobRequestFactory"/>.
    /// </summary>
    public static IServiceCollection AddTaskFunctionsReplicate(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddProviderOptions<ReplicateOptions>(ReplicateOptions.SectionName);
        if (services.Any(d => d.ServiceType == typeof(ReplicateClient)))
        {
            return services;
        }

        services.AddProviderHttpClient<ReplicateClient, ReplicateOptions>(_ => MaxResponseBytes, o => o.RequestTimeout);
        services.AddProvider<IJobProvider, ReplicateClient>(ProviderType.REPLICATE);
        services.TryAddSingleton<InputImages>();
        services.AddSingleton<IJobRequestFactory, ReplicateRequestMapper>();
        return services;
    }
}
