using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.ComfyUI;

/// <summary>DI registration of the ComfyUI provider.</summary>
public static class ComfyUIServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="ComfyUIOptions"/> from section <c>Providers:ComfyUI</c> on start (named workflows
    /// must load), registers <see cref="ComfyUIClient"/> as a typed <see cref="IHttpClientFactory"/> client and as
    /// <see cref="IJobProvider"/> (keyed by <see cref="ProviderType.COMFYUI"/> and in the unkeyed set), its options as
    /// <see cref="IProviderSettings"/>, and <see cref="ComfyUIRequestMapper"/> as <see cref="IJobRequestFactory"/>.
    /// Needs <see cref="InputImages"/> (and so an <see cref="Storage.IBlobStore"/>) from the core registration.
    /// </summary>
    public static IServiceCollection AddTaskFunctionsComfyUI(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<ComfyUIOptions>()
            .BindConfiguration(ComfyUIOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (services.Any(d => d.ServiceType == typeof(ComfyUIClient)))
        {
            return services;
        }

        // The client enforces RequestTimeout per call itself, and never follows redirects: the key only goes to BaseUrl.
        services.AddHttpClient<ComfyUIClient>((provider, client) =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.MaxResponseContentBufferSize = provider.GetRequiredService<IOptions<ComfyUIOptions>>().Value.MaxResponseBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.All,
                ConnectTimeout = provider.GetRequiredService<IOptions<ComfyUIOptions>>().Value.RequestTimeout,
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
                UseCookies = false,
            });
        services.TryAddSingleton<InputImages>();
        services.AddSingleton<ComfyUIWorkflows>();
        services.AddSingleton<IJobRequestFactory, ComfyUIRequestMapper>();
        services.AddSingleton<IProviderSettings>(provider => provider.GetRequiredService<IOptions<ComfyUIOptions>>().Value);
        services.AddKeyedTransient<IJobProvider>(ProviderType.COMFYUI, (provider, _) => provider.GetRequiredService<ComfyUIClient>());
        services.AddTransient<IJobProvider>(provider => provider.GetRequiredService<ComfyUIClient>());
        return services;
    }
}
