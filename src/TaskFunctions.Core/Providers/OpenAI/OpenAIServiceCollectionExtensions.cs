using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

        services.AddProviderOptions<OpenAIOptions>(OpenAIOptions.SectionName);
        services.AddProviderHttpClient<OpenAIClient, OpenAIOptions>(_ => MaxResponseBytes, o => TimeSpan.FromSeconds(Math.Min(30, o.RequestTimeout.TotalSeconds)));
        services.TryAddSingleton<InputImages>();
        services.AddProvider<ICallProvider, OpenAIClient>(ProviderType.OPENAI);
        services.AddSingleton<IJobRequestFactory, OpenAIRequestFactory>();
        return services;
    }
}
