using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

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
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var png = TestImages.SplitPng(40, 30);
        app.MapGet("/image.png", () => Results.Bytes(png, "image/png"));
        app.MapGet("/redirect-to-private", () => Results.Redirect("http://127.0.0.1:9/secret"));
        app.MapGet("/not-an-image", () => Results.Text("<html>hello</html>", "text/html"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ImageServer(app, new Uri(address + "/"));
    }

    public Uri Url(string path) => new(BaseAddress, path);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
