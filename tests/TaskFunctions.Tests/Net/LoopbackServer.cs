using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TaskFunctions.Tests.Net;

/// <summary>A Kestrel server on 127.0.0.1 with an ephemeral port, serving the shapes of response the fetcher must survive.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    public static readonly byte[] Payload = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly WebApplication _app;
    private int _requests;
    private volatile RecordedPost? _lastPost;

    private LoopbackServer(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public int Port => BaseAddress.Port;

    /// <summary>The <c>Outbound:AllowedHosts</c> entry that admits this server.</summary>
    public string HostPort => $"127.0.0.1:{Port}";

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The last request to <c>/post/echo</c>.</summary>
    public RecordedPost? LastPost => _lastPost;

    public Uri Url(string pathAndQuery) => new(BaseAddress, pathAndQuery);

    public static async Task<LoopbackServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        var server = new LoopbackServer(app);

        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref server._requests);
            await next(context);
        });
        app.MapGet("/ok", () => Results.Bytes(Payload, "image/png"));
        app.MapGet("/redirect", (string to) => Results.Redirect(to));
        app.MapGet("/redirect-no-location", (HttpContext context) => context.Response.StatusCode = StatusCodes.Status302Found);
        app.MapGet("/loop", () => Results.Redirect("/loop"));
        app.MapGet("/chain/{hops:int}", (int hops) => hops > 0
            ? Results.Redirect("/chain/" + (hops - 1).ToString(CultureInfo.InvariantCulture))
            : Results.Bytes(Payload, "image/png"));
        app.MapGet("/sized", async (HttpContext context, int size) =>
        {
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = size;
            await context.Response.Body.WriteAsync(new byte[size], context.RequestAborted);
        });
        app.MapGet("/chunked", async (HttpContext context, int size) =>
        {
            // No Content-Length and a flush per piece: Kestrel sends Transfer-Encoding: chunked.
            context.Response.ContentType = "application/octet-stream";
            byte[] piece = new byte[256];
            for (int sent = 0; sent < size; sent += piece.Length)
            {
                await context.Response.Body.WriteAsync(piece.AsMemory(0, Math.Min(piece.Length, size - sent)), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });
        app.MapGet("/slow", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/octet-stream";
            await context.Response.StartAsync(context.RequestAborted);
            try
            {
                for (int i = 0; i < 300; i++)
                {
                    await context.Response.Body.WriteAsync(new byte[1], context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    await Task.Delay(100, context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
                // The client gave up, which is what the test wants.
            }
        });
        app.MapGet("/status/{code:int}", (int code) => Results.StatusCode(code));

        app.MapPost("/post/echo", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            server._lastPost = new RecordedPost(
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body.ToArray());
            return Results.Text("received", "text/plain");
        });
        app.MapPost("/post/status/{code:int}", (HttpContext context, int code, string? retryAfter) =>
        {
            if (retryAfter is not null)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            return Results.Text("status " + code.ToString(CultureInfo.InvariantCulture), "text/plain", statusCode: code);
        });
        app.MapPost("/post/redirect", (string to) => Results.Redirect(to));
        app.MapPost("/post/large", (int size) => Results.Text(new string('a', size), "text/plain"));
        app.MapPost("/post/hang", async (HttpContext context) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up, which is what the test wants.
            }
        });

        await app.StartAsync();
        server.BaseAddress = new Uri(app.Urls.Single());
        return server;
    }

    /// <summary>Headers and body of a POST as the server received them.</summary>
    public sealed record RecordedPost(IReadOnlyDictionary<string, string> Headers, byte[] Body);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
