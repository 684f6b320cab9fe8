using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

        services.AddProviderOptions<ComfyUIOptions>(ComfyUIOptions.SectionName);
        if (services.Any(d => d.ServiceType == typeof(ComfyUIClient)))
        {
            return services;
        }

        services.AddProviderHttpClient<ComfyUIClient, ComfyUIOptions>(o => o.MaxResponseBytes, o => o.RequestTimeout);
        services.TryAddSingleton<InputImages>();
        services.AddSingleton<ComfyUIWorkflows>();
        services.AddSingleton<IJobRequestFactory, ComfyUIRequestMapper>();
        services.AddProvider<IJobProvider, ComfyUIClient>(ProviderType.COMFYUI);
        return services;
    }
}
