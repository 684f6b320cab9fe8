using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TaskFunctions.Core.Net;

/// <summary>DI registration of the SSRF-guarded outbound fetcher.</summary>
public static class OutboundServiceCollectionExtensions
{
    /// <summary>Binds and validates <see cref="OutboundOptions"/> from section <c>Outbound</c> on start and registers <see cref="SafeHttpFetcher"/> as a singleton.</summary>
    public static IServiceCollection AddTaskFunctionsOutbound(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<OutboundOptions>()
            .BindConfiguration(OutboundOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<SafeHttpFetcher>();
        return services;
    }
}
