using Microsoft.Extensions.Hosting;

using TaskFunctions.Core.Storage;

namespace TaskFunctions.Core.Hosting;

/// <summary>Creates the tables and containers once when a host starts.</summary>
public sealed class StorageInitializer(ITaskStore tasks, IIdempotencyStore idempotencyKeys, IBlobStore blobs) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await tasks.InitializeAsync(cancellationToken);
        await idempotencyKeys.InitializeAsync(cancellationToken);
        await blobs.InitializeAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
