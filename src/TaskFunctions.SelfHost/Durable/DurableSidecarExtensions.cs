using System.Net;
using System.Net.Sockets;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using TaskFunctions.Core.Workflow;

namespace TaskFunctions.SelfHost.Durable;

/// <summary>
/// Runs the Durable Task machinery in-process: a gRPC sidecar (TaskHubGrpcServer) on its own HTTP/2 loopback
/// port, backed by the Azure Storage provider Durable Functions uses, with a worker and client talking to it.
/// </summary>
public static class DurableSidecarExtensions
{
    public static WebApplicationBuilder AddDurableSidecar(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var hostJson = configuration["SelfHost:HostJsonPath"] ?? Path.Combine(AppContext.BaseDirectory, "host.json");
        var settings = HostJsonSettings.Load(hostJson, name => configuration[name]);
        var connectionString = configuration["AzureWebJobsStorage"]
            ?? throw new InvalidOperationException("AzureWebJobsStorage (the Durable backend's storage connection string) is not set.");
        var apiPort = configuration.GetValue("SelfHost:Port", 7071);
        var grpcPort = configuration.GetValue("SelfHost:GrpcPort", 0) is > 0 and var fixedPort ? fixedPort : FreeLoopbackPort();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, grpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            if (configuration.GetValue("SelfHost:ListenAnyIP", false))
            {
                kestrel.ListenAnyIP(apiPort, listen => listen.Protocols = HttpProtocols.Http1);
            }
            else
            {
                kestrel.ListenLocalhost(apiPort, listen => listen.Protocols = HttpProtocols.Http1);
            }
        });

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(sp => new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = settings.HubName,

            // One worker id per process: a restarted process must acquire the partition leases its killed
            // predecessor held (same id would look like a renewal of leases it does not actually listen on).
            WorkerId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}",
            StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
            PartitionCount = settings.PartitionCount,
            MaxQueuePollingInterval = settings.MaxQueuePollingInterval,
            MaxConcurrentTaskActivityWorkItems = settings.MaxConcurrentActivityFunctions,
            MaxConcurrentTaskOrchestrationWorkItems = settings.MaxConcurrentOrchestratorFunctions,
            WorkItemQueueVisibilityTimeout = settings.WorkItemQueueVisibilityTimeout,
            ControlQueueVisibilityTimeout = settings.ControlQueueVisibilityTimeout,
            LoggerFactory = sp.GetRequiredService<ILoggerFactory>(),
        }));
        services.AddSingleton(sp => new StartStopGuardedOrchestrationService(sp.GetRequiredService<AzureStorageOrchestrationService>()));
        services.AddSingleton<IOrchestrationService>(sp => sp.GetRequiredService<StartStopGuardedOrchestrationService>());
        services.AddSingleton<IOrchestrationServiceClient>(sp => sp.GetRequiredService<AzureStorageOrchestrationService>());
        services.AddGrpc();
        services.AddSingleton<TaskHubGrpcServer>();
        services.AddHostedService<TaskHubLifecycleService>();

        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        services.AddSingleton(channel);
        services.AddDurableTaskWorker(worker =>
        {
            worker.UseGrpc(channel);
            worker.AddTasks(RegisterTasks);
        });
        services.AddDurableTaskClient(client =>
        {
            client.UseGrpc(channel);
            client.RegisterDirectly();
        });
        builder.Services.AddSingleton(new SidecarEndpoint(grpcPort));
        return builder;
    }

    /// <summary>Maps the sidecar's gRPC service on its own port only, never on the API port.</summary>
    public static WebApplication MapDurableSidecar(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var endpoint = app.Services.GetRequiredService<SidecarEndpoint>();
        app.MapGrpcService<TaskHubGrpcServer>().RequireHost($"*:{endpoint.Port}");

        // Resolve now so the server hooks ApplicationStarted (it starts its dispatchers from there).
        _ = app.Services.GetRequiredService<TaskHubGrpcServer>();
        return app;
    }

    /// <summary>The same registrations the Functions app declares as triggers, from the same catalog.</summary>
    public static void RegisterTasks(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddOrchestratorFunc<TaskOrchestrationInput>(TaskNames.TaskOrchestration, Core.Workflow.TaskOrchestration.RunAsync);
        foreach (var activity in WorkflowCatalog.Activities)
        {
            var adapter = typeof(ActivityAdapter<,,>).MakeGenericType(activity.Implementation, activity.Input, activity.Output);
            registry.AddActivity(activity.Name, adapter);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
