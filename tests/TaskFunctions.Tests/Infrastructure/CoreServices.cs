using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core;
using TaskFunctions.Core.Storage;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>Core's real service graph on Azurite, with tables of its own, for tests below the HTTP hosts.</summary>
public static class CoreServices
{
    public static async Task<ServiceProvider> BuildAsync(string storageConnectionString, Action<IServiceCollection>? configure = null, IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = storageConnectionString,
            ["Storage:TasksTable"] = "tasks" + suffix,
            ["Storage:TaskIndexTable"] = "taskindex" + suffix,
            ["Storage:IdempotencyTable"] = "idempotency" + suffix,
        };
        foreach (var (key, value) in TestAuth.Environment)
        {
            settings[key.Replace("__", ":", StringComparison.Ordinal)] = value;
        }

        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddTaskFunctionsCore();
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<ITaskStore>().InitializeAsync();
        await provider.GetRequiredService<IIdempotencyStore>().InitializeAsync();
        await provider.GetRequiredService<IBlobStore>().InitializeAsync();
        await new BlobContainerClient(storageConnectionString, TaskBlobs.StagedInputsContainer).CreateIfNotExistsAsync();
        return provider;
    }
}
