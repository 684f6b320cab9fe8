using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.OpenAI;

/// <summary>DI registration of the OpenAI-compatible provider.</summary>
public static class OpenAIServiceCollectionExtensions
{
    // Answers carry images as base64 (a 1536x1024 PNG is a few MB); anything far bigger is not an images API answer.
    private const long MaxResponseBytes = 64 * 1024 * 1024;

    /// <summary>
    /// Binds and validates <see cref="OpenAIOptions"/> from section <c>Providers:OpenAI</c> on start (also as
    /// <see cref="IProviderSettings"/>), registers <see cref="OpenAIClient"/> as a typed <see cref="IHttpClientFactory"/>
    /// client and as <see cref="ICallProvider"/>, and <see cref="OpenAIRequestFactory"/> as <see cref="IJobRequestFactory"/>.
    /// Calling it again adds nothing.
    /// </summary>
    public static IServiceCollection AddTaskFunctionsOpenAI(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(OpenAIClient)))
        {
            return services;
        }

        services.AddOptions<OpenAIOptions>()
            .BindConfiguration(OpenAIOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // The client enforces RequestTimeout per call itself (to tell a timeout from the caller's cancellation), and
        // never follows redirects: the key must only go to the configured host.
        services.AddHttpClient<OpenAIClient>(client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.MaxResponseContentBufferSize = MaxResponseBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.All,
                ConnectTimeout = TimeSpan.FromSeconds(Math.Min(30, provider.GetRequiredService<IOptions<OpenAIOptions>>().Value.RequestTimeout.TotalSeconds)),
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
                UseCookies = false,
            });
        services.TryAddSingleton<InputImages>();
        services.AddSingleton<IProviderSettings>(provider => provider.GetRequiredService<IOptions<OpenAIOptions>>().Value);
        services.AddKeyedTransient<ICallProvider>(ProviderType.OPENAI, (provider, _) => provider.GetRequiredService<OpenAIClient>());
        services.AddTransient<ICallProvider>(provider => provider.GetRequiredService<OpenAIClient>());
        services.AddSingleton<IJobRequestFactory, OpenAIRequestFactory>();
        return services;
    }
}
