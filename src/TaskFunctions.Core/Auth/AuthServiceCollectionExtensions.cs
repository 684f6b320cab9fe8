using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TaskFunctions.Core.Net;

namespace TaskFunctions.Core.Auth;

/// <summary>DI registration of JWT bearer authentication.</summary>
public static class AuthServiceCollectionExtensions
{
    // Discovery and JWKS are small documents; a slow authority must not hold requests for long.
    private static readonly TimeSpan JwksTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Binds and validates <see cref="AuthOptions"/> from section <c>Auth</c> on start and registers <see cref="JwtAuthenticator"/> as a singleton.</summary>
    public static IServiceCollection AddTaskFunctionsAuth(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHttpClient(JwtAuthenticator.HttpClientName, client => client.Timeout = JwksTimeout).UsePooledConnections();
        services.TryAddSingleton<JwtAuthenticator>();
        return services;
    }
}
