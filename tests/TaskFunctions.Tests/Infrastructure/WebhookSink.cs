using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>One webhook POST as the sink received it: path, headers (lower-case names) and the raw body.</summary>
public sealed record WebhookPost(string Path, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At);

/// <summary>
/// A loopback webhook sink for end-to-end tests. Each path answers with its scripted status codes in order (the last repeats; 200 when
/// unscripted), so parallel tests use their own paths.
/// </summary>
public sealed class WebhookSink : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, int[]> scripts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<WebhookPost> received = new();

    private WebhookSink(WebApplication app) => this.app = app;

    /// <summary>The Standard Webhooks secret the service signs with.</summary>
    public string Secret { get; } = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public Uri BaseAddress { get; private set; } = null!;

    public string HostPort => $"{BaseAddress.Host}:{BaseAddress.Port}";

    public static async Task<WebhookSink> StartAsync()
    {
        var app = LoopbackApp.Create();
        var receiver = new WebhookSink(app);
        app.MapPost("/{**path}", async (HttpContext context, string path) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
            var index = receiver.received.Count(r => r.Path == path);
            receiver.received.Enqueue(new WebhookPost(path, headers, body, DateTimeOffset.UtcNow));
            var statuses = receiver.scripts.GetValueOrDefault(path, [200]);
            return Results.StatusCode(statuses[Math.Min(index, statuses.Length - 1)]);
        });
        receiver.BaseAddress = await LoopbackApp.StartAsync(app);
        return receiver;
    }

    /// <summary>A fresh path whose calls answer with <paramref name="statuses"/> in order.</summary>
    public Uri Endpoint(params int[] statuses)
    {
        var path = "hooks/" + Guid.NewGuid().ToString("N");
        scripts[path] = statuses.Length == 0 ? [200] : statuses;
        return new Uri(BaseAddress, path);
    }

    public IReadOnlyList<WebhookPost> Received(Uri endpoint) =>
        [.. received.Where(r => "/" + r.Path == endpoint.AbsolutePath)];

    /// <summary>Waits until at least <paramref name="count"/> deliveries reached <paramref name="endpoint"/>.</summary>
    public async Task<IReadOnlyList<WebhookPost>> WaitForAsync(Uri endpoint, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var got = Received(endpoint);
            if (got.Count >= count || DateTime.UtcNow > deadline)
            {
                return got;
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
