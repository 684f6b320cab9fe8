using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using TaskFunctions.Core;
using TaskFunctions.Core.Auth;
using TaskFunctions.Core.Net;
using TaskFunctions.Core.Providers.ComfyUI;
using TaskFunctions.Core.Providers.Fal;
using TaskFunctions.Core.Providers.OpenAI;
using TaskFunctions.Core.Providers.Replicate;

namespace TaskFunctions.Tests.Net;

/// <summary>
/// Every <see cref="IHttpClientFactory"/> client Core registers keeps one handler for the process and recycles its pooled
/// connections, so a client held by a singleton still follows DNS changes.
/// </summary>
public sealed class PooledConnectionsTests
{
    private static readonly TimeSpan MostAcceptableLifetime = TimeSpan.FromMinutes(5);

    [Fact]
    public void AddTaskFunctionsCore_HttpClients_IncludeEveryProviderAndTheJwksClient()
    {
        using var provider = CoreServiceCollection().BuildServiceProvider();

        var names = ClientNames(provider);

        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal)
            {
                nameof(FalQueueClient), nameof(ReplicateClient), nameof(OpenAIClient), nameof(ComfyUIClient), JwtAuthenticator.HttpClientName,
            },
            names);
    }

    [Fact]
    public void AddTaskFunctionsCore_EveryHttpClient_RecyclesPooledConnectionsAndNeverRotatesItsHandler()
    {
        using var provider = CoreServiceCollection().BuildServiceProvider();
        var names = ClientNames(provider);
        var handlers = provider.GetRequiredService<IHttpMessageHandlerFactory>();
        var factoryOptions = provider.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>();

        var found = names.ToDictionary(name => name, name => (Primary: Primary(handlers.CreateHandler(name)), factoryOptions.Get(name).HandlerLifetime));

        Assert.All(found, entry =>
        {
            var sockets = Assert.IsType<SocketsHttpHandler>(entry.Value.Primary);
            Assert.InRange(sockets.PooledConnectionLifetime, TimeSpan.FromSeconds(1), MostAcceptableLifetime);
            Assert.Equal(Timeout.InfiniteTimeSpan, entry.Value.HandlerLifetime);
        });
    }

    [Theory]
    [InlineData(nameof(FalQueueClient))]
    [InlineData(nameof(ReplicateClient))]
    [InlineData(nameof(OpenAIClient))]
    [InlineData(nameof(ComfyUIClient))]
    public void AddTaskFunctionsCore_ProviderClient_KeepsItsOwnHandlerSettings(string name)
    {
        using var provider = CoreServiceCollection().BuildServiceProvider();

        var sockets = Assert.IsType<SocketsHttpHandler>(Primary(provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(name)));

        // The provider key must only go to the configured host: no redirects, no cookies.
        Assert.False(sockets.AllowAutoRedirect);
        Assert.False(sockets.UseCookies);
        Assert.Equal(PooledConnections.Lifetime, sockets.PooledConnectionLifetime);
        Assert.Equal(PooledConnections.IdleTimeout, sockets.PooledConnectionIdleTimeout);
    }

    private static ServiceCollection CoreServiceCollection()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>()).Build());
        services.AddLogging();
        services.AddTaskFunctionsCore();
        return services;
    }

    /// <summary>The names of all configured clients (each AddHttpClient with any setting registers named factory options).</summary>
    private static HashSet<string> ClientNames(IServiceProvider provider) =>
        provider.GetServices<IConfigureOptions<HttpClientFactoryOptions>>()
            .OfType<ConfigureNamedOptions<HttpClientFactoryOptions>>()
            .Select(o => o.Name)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);

    private static HttpMessageHandler Primary(HttpMessageHandler handler)
    {
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler!;
        }

        return handler;
    }
}
