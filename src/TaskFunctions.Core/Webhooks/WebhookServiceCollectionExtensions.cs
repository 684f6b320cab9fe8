using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TaskFunctions.Core.Net;

namespace TaskFunctions.Core.Webhooks;

/// <summary>DI registration of outgoing webhooks.</summary>
public static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="WebhookOptions"/> from section <c>Webhooks</c> on start and registers
    /// <see cref="WebhookSigner"/> and <see cref="WebhookSender"/> as singletons, plus the outbound client and
    /// <see cref="TimeProvider"/> when they are not registered yet.
    /// </summary>
    public static IServiceCollection AddTaskFunctionsWebhooks(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<WebhookOptions>()
            .BindConfiguration(WebhookOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // Adding Outbound twice would bind its options twice, and the binder appends list entries.
        if (!services.Any(d => d.ServiceType == typeof(SafeHttpFetcher)))
        {
            services.AddTaskFunctionsOutbound();
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WebhookSigner>();
        services.TryAddSingleton<WebhookSender>();
        return services;
    }
}
