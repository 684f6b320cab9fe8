using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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

        services.AddOptions<FalOptions>()
            .BindConfiguration(FalOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (services.Any(d => d.ServiceType == typeof(FalQueueClient)))
        {
            return services;
        }

        // The client enforces RequestTimeout per call itself (to tell a timeout from the caller's cancellation), and
        // never follows redirects: the key must only go to the configured host.
        services.AddHttpClient<FalQueueClient>(client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.MaxResponseContentBufferSize = MaxResponseBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.All,
                ConnectTimeout = provider.GetRequiredService<IOptions<FalOptions>>().Value.RequestTimeout,
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
                UseCookies = false,
            });
        services.AddSingleton<IProviderSettings>(provider => provider.GetRequiredService<IOptions<FalOptions>>().Value);
        services.AddKeyedTransient<IJobProvider>(ProviderType.FAL, (provider, _) => provider.GetRequiredService<FalQueueClient>());
        services.AddTransient<IJobProvider>(provider => provider.GetRequiredService<FalQueueClient>());
        return services;
    }
}
