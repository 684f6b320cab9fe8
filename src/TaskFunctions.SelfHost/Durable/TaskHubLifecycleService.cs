using DurableTask.AzureStorage;
using Microsoft.DurableTask.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TaskFunctions.SelfHost.Durable;

/// <summary>
/// Creates the task hub before the sidecar uses it and, on shutdown, stops the DurableTask worker first and
/// then the backend (releasing partition leases) — otherwise Kestrel waits 20–30 s on the worker's open stream.
/// </summary>
public sealed class TaskHubLifecycleService(
    AzureStorageOrchestrationService backend,
    StartStopGuardedOrchestrationService dispatchedBackend,
    IServiceProvider services) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => backend.CreateIfNotExistsAsync();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        // Resolved late: this service is itself a hosted service, so taking the list in the constructor would be a cycle.
        foreach (var worker in services.GetServices<IHostedService>().OfType<DurableTaskWorker>())
        {
            await worker.StopAsync(cancellationToken);
        }

        await dispatchedBackend.StopAsync(isForced: false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
