using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>The small Kestrel apps tests run as fake servers: 127.0.0.1 on a free port, no logging noise.</summary>
public static class LoopbackApp
{
    /// <summary>A built, not yet started app; map routes on it, then <see cref="StartAsync"/>.</summary>
    public static WebApplication Create()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        return builder.Build();
    }

    /// <summary>Starts the app and returns its base address (with a trailing slash).</summary>
    public static async Task<Uri> StartAsync(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.TrimEnd('/') + "/");
    }
}
