using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>One webhook POST as received: path, headers (lower-case names) and the raw body.</summary>
public sealed record ReceivedWebhook(string Path, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At);

/// <summary>
/// A loopback webhook receiver. Each path answers with its scripted status codes in order (the last repeats; 200 when
/// unscripted), so parallel tests use their own paths.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, int[]> scripts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ReceivedWebhook> received = new();

    private WebhookReceiver(WebApplication app) => this.app = app;

    /// <summary>The Standard Webhooks secret the service signs with.</summary>
    public string Secret { get; } = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public Uri BaseAddress { get; private set; } = null!;

    public string HostPort => $"{BaseAddress.Host}:{BaseAddress.Port}";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext context, string path) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
            var index = receiver.received.Count(r => r.Path == path);
            receiver.received.Enqueue(new ReceivedWebhook(path, headers, body, DateTimeOffset.UtcNow));
            var statuses = receiver.scripts.GetValueOrDefault(path, [200]);
            return Results.StatusCode(statuses[Math.Min(index, statuses.Length - 1)]);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseAddress = new Uri(address + "/");
        return receiver;
    }

    /// <summary>A fresh path whose calls answer with <paramref name="statuses"/> in order.</summary>
    public Uri Endpoint(params int[] statuses)
    {
        var path = "hooks/" + Guid.NewGuid().ToString("N");
        scripts[path] = statuses.Length == 0 ? [200] : statuses;
        return new Uri(BaseAddress, path);
    }

    public IReadOnlyList<ReceivedWebhook> Received(Uri endpoint) =>
        [.. received.Where(r => "/" + r.Path == endpoint.AbsolutePath)];

    /// <summary>Waits until at least <paramref name="count"/> deliveries reached <paramref name="endpoint"/>.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(Uri endpoint, int count, TimeSpan timeout)
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
