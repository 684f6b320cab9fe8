using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
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

        services.AddOptions<ReplicateOptions>()
            .BindConfiguration(ReplicateOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (services.Any(d => d.ServiceType == typeof(ReplicateClient)))
        {
            return services;
        }

        // The client enforces RequestTimeout per call itself (to tell a timeout from the caller's cancellation), and
        // never follows redirects: the token must only go to the configured host.
        services.AddHttpClient<ReplicateClient>(client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.MaxResponseContentBufferSize = MaxResponseBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.All,
                ConnectTimeout = provider.GetRequiredService<IOptions<ReplicateOptions>>().Value.RequestTimeout,
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
                UseCookies = false,
            });
        services.AddSingleton<IProviderSettings>(provider => provider.GetRequiredService<IOptions<ReplicateOptions>>().Value);
        services.AddKeyedTransient<IJobProvider>(ProviderType.REPLICATE, (provider, _) => provider.GetRequiredService<ReplicateClient>());
        services.AddTransient<IJobProvider>(provider => provider.GetRequiredService<ReplicateClient>());
        services.TryAddSingleton<InputImages>();
        services.AddSingleton<IJobRequestFactory, ReplicateRequestMapper>();
        return services;
    }
}
