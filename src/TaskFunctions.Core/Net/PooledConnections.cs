using Microsoft.Extensions.DependencyInjection;

namespace TaskFunctions.Core.Net;

/// <summary>
/// The one connection-pool rule of every outbound HTTP handler in Core: the handler lives as long as the process and its
/// pooled connections are recycled, so DNS changes are seen without relying on <see cref="IHttpClientFactory"/> handler
/// rotation (which never reaches a client a singleton holds).
/// </summary>
public static class PooledConnections
{
    /// <summary>
    /// A pooled connection is closed after this long even when busy, and the next request resolves the name again.
    /// Short enough to follow a DNS change within minutes; long enough that a connection serves many requests.
    /// </summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    /// <summary>An unused pooled connection is closed after this long (servers and load balancers drop idle ones anyway).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Makes the client's primary handler a <see cref="SocketsHttpHandler"/> with <see cref="Lifetime"/> and
    /// <see cref="IdleTimeout"/>, then <paramref name="configure"/>d, and never rotates it (the handler lifetime is infinite:
    /// rotating would only throw away warm connections, since the pool already recycles them).
    /// </summary>
    public static IHttpClientBuilder UsePooledConnections(this IHttpClientBuilder builder, Action<IServiceProvider, SocketsHttpHandler>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                var handler = new SocketsHttpHandler
                {
                    PooledConnectionLifetime = Lifetime,
                    PooledConnectionIdleTimeout = IdleTimeout,
                };
                configure?.Invoke(provider, handler);
                return handler;
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
    }
}
