using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.Fal;

/// <summary>DI registration of the fal.ai queue provider.</summary>
public static class FalServiceCollectionExtensions
{
    // A result document is JSON with URLs, never file bytes; anything bigger is not a fal answer.
    private const long MaxResponseBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Binds and validates <see cref="FalOptions"/> from section <c>Providers:Fal</c> on start and registers
    /// <see cref="FalQueueClient"/> as a typed <see cref="IHttpClientFactory"/> client, also as <see cref="IJobProvider"/>
    /// (keyed by <see cref="ProviderType.FAL"/> and in the unkeyed set).
    /// </summary>
    public static IServiceCollection AddTaskFunctionsFal(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddProviderOptions<FalOptions>(FalOptions.SectionName);
        if (services.Any(d => d.ServiceType == typeof(FalQueueClient)))
        {
            return services;
        }

        services.AddProviderHttpClient<FalQueueClient, FalOptions>(_ => MaxResponseBytes, o => o.RequestTimeout);
        services.AddProvider<IJobProvider, FalQueueClient>(ProviderType.FAL);
        return services;
    }
}
