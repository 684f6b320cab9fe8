using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>A loopback HTTP server with test images, for inputs given as URLs (listed in Outbound:AllowedHosts).</summary>
public sealed class ImageServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private ImageServer(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The host:port to allow.</summary>
    public string HostPort => $"{BaseAddress.Host}:{BaseAddress.Port}";

    public static async Task<ImageServer> StartAsync()
    {
        var app = LoopbackApp.Create();
        var png = TestImages.SplitPng(40, 30);
        app.MapGet("/image.png", () => Results.Bytes(png, "image/png"));
        app.MapGet("/redirect-to-private", () => Results.Redirect("http://127.0.0.1:9/secret"));
        app.MapGet("/not-an-image", () => Results.Text("<html>hello</html>", "text/html"));
        return new ImageServer(app, await LoopbackApp.StartAsync(app));
    }

    public Uri Url(string path) => new(BaseAddress, path);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
