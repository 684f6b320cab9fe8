using DurableTask.AzureStorage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using TaskFunctions.Core;
using TaskFunctions.Core.Telemetry;
using TaskFunctions.SelfHost;
using TaskFunctions.SelfHost.Durable;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Benchmarks;

/// <summary>
/// The self-host's own wiring (the four lines of its Program.cs: Core services, telemetry, Durable sidecar on the Azure
/// Storage backend, tasks API) run inside the benchmark process, so a benchmark-only orchestration can sit in the same
/// registry as the production one without adding it to the shipped self-host.
/// </summary>
public sealed class InProcessSelfHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private InProcessSelfHost(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public DurableTaskClient Client => app.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>
    /// Starts the host with <paramref name="environment"/> as configuration (the same <c>Section__Key</c> settings a
    /// <see cref="SelfHostProcess"/> would get, so a fresh task hub and tables per host) and the repository's host.json.
    /// </summary>
    public static async Task<InProcessSelfHost> StartAsync(IReadOnlyDictionary<string, string> environment, Action<DurableTaskRegistry>? register = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // The self-host's output folder: its appsettings.json loads exactly as in the child process.
            ContentRootPath = RepositoryPaths.ProjectOutput("TaskFunctions.SelfHost"),
            EnvironmentName = "Production",
        });
        builder.Configuration.AddInMemoryCollection(
            environment.Select(pair => new KeyValuePair<string, string?>(pair.Key.Replace("__", ":", StringComparison.Ordinal), pair.Value)));
        builder.Configuration["SelfHost:HostJsonPath"] = Path.Combine(RepositoryPaths.Root, "host.json");

        builder.Services.AddTaskFunctionsCore();
        builder.Services.AddTaskFunctionsTelemetry(builder.Configuration, tracing => tracing.AddAspNetCoreInstrumentation());
        builder.AddDurableSidecar();
        if (register is not null)
        {
            // AddTasks configures the worker's unnamed DurableTaskRegistry options; this adds to the same registry.
            builder.Services.Configure(register);
        }

        var app = builder.Build();
        app.MapDurableSidecar();
        app.MapTasksApi();
        await app.StartAsync();
        var port = int.Parse(environment["SelfHost__Port"], System.Globalization.CultureInfo.InvariantCulture);
        var host = new InProcessSelfHost(app, new Uri($"http://127.0.0.1:{port}/"));
        await host.WaitForSidecarAsync();
        return host;
    }

    /// <summary>
    /// A second host in the same process once saw its sidecar refuse connections right after start (every create
    /// answered 503): wait until a cheap client call goes through, and fail loudly if it never does.
    /// </summary>
    private async Task WaitForSidecarAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await Client.GetInstanceAsync("readiness-probe", getInputsAndOutputs: false);
                return;
            }
            catch (Grpc.Core.RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }

    /// <summary>
    /// Stops the Durable worker and the backend's dispatch (partition leases, control and work-item queue listening):
    /// from then on the host only accepts — the client still schedules through the sidecar into the task hub, and
    /// nothing in this process consumes what it schedules.
    /// </summary>
    public async Task StopConsumingAsync()
    {
        foreach (var worker in app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<Microsoft.DurableTask.Worker.Hosting.DurableTaskWorker>())
        {
            await worker.StopAsync(CancellationToken.None);
        }

        await app.Services.GetRequiredService<StartStopGuardedOrchestrationService>().StopAsync(isForced: false);
    }

    /// <summary>Stops the worker and backend (the self-host's lifecycle service), then deletes the task hub so Azurite stays small.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await app.StopAsync(timeout.Token);
        }

        await app.Services.GetRequiredService<AzureStorageOrchestrationService>().DeleteAsync();
        await app.DisposeAsync();
    }
}
