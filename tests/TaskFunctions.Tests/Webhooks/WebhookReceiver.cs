using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Webhooks;

/// <summary>A loopback webhook receiver that checks Standard Webhooks signatures itself, plus endpoints for each failure the sender must classify.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private int _targetHits;

    private WebhookReceiver(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The <c>Outbound:AllowedHosts</c> entry that admits this receiver.</summary>
    public string HostPort => $"{BaseAddress.Host}:{BaseAddress.Port}";

    public int Port => BaseAddress.Port;

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    /// <summary>Requests that reached <c>/target</c>, where <c>/redirect</c> points.</summary>
    public int TargetHits => Volatile.Read(ref _targetHits);

    public Uri Url(string path) => new(BaseAddress, path);

    /// <param name="secret">The secret <c>/hook</c> verifies with; null accepts anything.</param>
    public static async Task<WebhookReceiver> StartAsync(string? secret)
    {
        WebApplication app = LoopbackApp.Create();
        var receiver = new WebhookReceiver(app);

        app.Use(async (context, next) =>
        {
            if (context.Request.Path == "/target")
            {
                Interlocked.Increment(ref receiver._targetHits);
            }
            else
            {
                await receiver.RecordAsync(context, secret);
            }

            await next(context);
        });
        app.MapPost("/hook", (HttpContext context) =>
            secret is null || receiver.Received[^1].SignatureValid
                ? Results.Ok()
                : Results.Text("invalid signature", "text/plain", statusCode: StatusCodes.Status401Unauthorized));
        app.MapPost("/status/{code:int}", (HttpContext context, int code) =>
        {
            if (code == StatusCodes.Status429TooManyRequests)
            {
                context.Response.Headers.RetryAfter = "3";
            }

            return Results.Text("receiver says " + code, "text/plain", statusCode: code);
        });
        app.MapPost("/redirect", () => Results.Redirect("/target"));
        app.Map("/target", () => Results.Ok());
        app.MapPost("/hang", async (HttpContext context) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The sender gave up, which is what the test wants.
            }
        });

        receiver.BaseAddress = await LoopbackApp.StartAsync(app);
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task RecordAsync(HttpContext context, string? secret)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        byte[] body = buffer.ToArray();
        IHeaderDictionary headers = context.Request.Headers;
        string? id = headers["webhook-id"].FirstOrDefault();
        string? timestamp = headers["webhook-timestamp"].FirstOrDefault();
        string? signature = headers["webhook-signature"].FirstOrDefault();
        bool valid = secret is not null && StandardWebhooksVerifier.Verify(secret, id, timestamp, signature, body, DateTimeOffset.UtcNow);
        _received.Enqueue(new ReceivedWebhook(
            context.Request.Path,
            headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body,
            valid));
    }
}
