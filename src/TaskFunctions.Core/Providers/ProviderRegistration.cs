using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Net;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers;

/// <summary>The DI registration shape every remote provider shares: options, typed HttpClient, settings, keyed provider.</summary>
internal static class ProviderRegistration
{
    /// <summary>Binds <typeparamref name="TOptions"/> from <paramref name="sectionName"/> and validates it (data annotations) on start.</summary>
    public static void AddProviderOptions<TOptions>(this IServiceCollection services, string sectionName)
        where TOptions : class, IProviderSettings =>
        services.AddOptions<TOptions>()
            .BindConfiguration(sectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

    /// <summary>
    /// Registers <typeparamref name="TClient"/> as a typed <see cref="IHttpClientFactory"/> client and its options as
    /// <see cref="IProviderSettings"/>. The client enforces RequestTimeout per call itself (to tell a timeout from the
    /// caller's cancellation), so the HttpClient has none; redirects are never followed, as the key must only go to the
    /// configured host. The client is held for the process's life (<see cref="JobProviderRegistry"/> is a singleton), so
    /// its handler is never rotated and recycles its pooled connections instead (<see cref="PooledConnections"/>).
    /// </summary>
    public static void AddProviderHttpClient<TClient, TOptions>(
        this IServiceCollection services, Func<TOptions, long> maxResponseBytes, Func<TOptions, TimeSpan> connectTimeout)
        where TClient : class
        where TOptions : class, IProviderSettings
    {
        services.AddHttpClient<TClient>((provider, client) =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.MaxResponseContentBufferSize = maxResponseBytes(OptionsOf<TOptions>(provider));
            })
            .UsePooledConnections((provider, handler) =>
            {
                handler.AllowAutoRedirect = false;
                handler.AutomaticDecompression = DecompressionMethods.All;
                handler.ConnectTimeout = connectTimeout(OptionsOf<TOptions>(provider));
                handler.UseCookies = false;
            });
        services.AddSingleton<IProviderSettings>(provider => OptionsOf<TOptions>(provider));
    }

    /// <summary>Registers <typeparamref name="TClient"/> as <typeparamref name="TService"/>, keyed by <paramref name="type"/> and in the unkeyed set.</summary>
    public static void AddProvider<TService, TClient>(this IServiceCollection services, ProviderType type)
        where TService : class
        where TClient : class, TService
    {
        services.AddKeyedTransient<TService>(type, (provider, _) => provider.GetRequiredService<TClient>());
        services.AddTransient<TService>(provider => provider.GetRequiredService<TClient>());
    }

    private static TOptions OptionsOf<TOptions>(IServiceProvider provider)
        where TOptions : class =>
        provider.GetRequiredService<IOptions<TOptions>>().Value;
}
