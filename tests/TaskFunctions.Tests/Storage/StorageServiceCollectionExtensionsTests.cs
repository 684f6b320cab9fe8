using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Storage;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Storage;

[Collection("Azurite")]
public sealed class StorageServiceCollectionExtensionsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task AddTaskFunctionsStorage_ConnectionString_ResolvesWorkingStores()
    {
        var tasksTable = "tasks" + Guid.NewGuid().ToString("N");
        using var provider = Build(new()
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TasksTable"] = tasksTable,
            ["Storage:TaskIndexTable"] = "index" + Guid.NewGuid().ToString("N"),
        });
        var store = provider.GetRequiredService<ITaskStore>();
        await store.InitializeAsync();
        var task = TestTasks.Create(TestTasks.NewTenant());

        await store.CreateAsync(task);

        Assert.Equal(task.Id, (await store.GetAsync(task.Id))?.Id);
        Assert.Equal(task.Id, (await provider.GetRequiredService<TableServiceClient>().GetTableClient(tasksTable).GetEntityAsync<TableEntity>(task.Id, "r")).Value.GetString("TaskId"));
        Assert.IsType<AzureBlobStore>(provider.GetRequiredService<IBlobStore>());
        Assert.Same(provider.GetRequiredService<BlobServiceClient>(), provider.GetRequiredService<BlobServiceClient>());
        Assert.NotNull(provider.GetRequiredService<QueueServiceClient>());
    }

    [Fact]
    public void AddTaskFunctionsStorage_NeitherConnectionStringNorUris_FailsValidation()
    {
        using var provider = Build(new());

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<StorageOptions>>().Value);
    }

    [Fact]
    public void AddTaskFunctionsStorage_InvalidTableName_FailsValidation()
    {
        using var provider = Build(new()
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TasksTable"] = "bad-name",
        });

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<StorageOptions>>().Value);
    }

    [Fact]
    public void AddTaskFunctionsStorage_IndexPrefixTooLongForTenantTables_FailsValidation()
    {
        using var provider = Build(new()
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TaskIndexTable"] = "i" + new string('x', IndexTableNames.MaxPrefixLength),
        });

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<StorageOptions>>().Value);
    }

    [Fact]
    public void AddTaskFunctionsStorage_LongestIndexPrefix_PassesValidation()
    {
        using var provider = Build(new()
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TaskIndexTable"] = "i" + new string('x', IndexTableNames.MaxPrefixLength - 1),
        });

        Assert.Equal(38, provider.GetRequiredService<IOptions<StorageOptions>>().Value.TaskIndexTable.Length);
    }

    [Fact]
    public void AddTaskFunctionsStorage_TasksTableNamedLikeAnIndexTable_FailsValidation()
    {
        using var provider = Build(new()
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TasksTable"] = "taskindexall",
        });

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<StorageOptions>>().Value);
    }

    [Theory]
    [InlineData("tasks")]
    [InlineData("TASKS")]
    [InlineData("taskindexall")]
    [InlineData("taskindext0123456789abcdef01234567")]
    public void AddTaskFunctionsStorage_IdempotencyTableNamedLikeAnotherTable_FailsValidation(string name)
    {
        using var provider = Build(new()
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:IdempotencyTable"] = name,
        });

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<StorageOptions>>().Value);
    }

    [Fact]
    public void AddTaskFunctionsStorage_ServiceUris_BuildsClientsForThoseEndpoints()
    {
        using var provider = Build(new()
        {
            ["Storage:BlobServiceUri"] = "https://example.blob.core.windows.net/",
            ["Storage:TableServiceUri"] = "https://example.table.core.windows.net/",
            ["Storage:QueueServiceUri"] = "https://example.queue.core.windows.net/",
            ["Storage:ManagedIdentityClientId"] = Guid.NewGuid().ToString(),
        });

        var blobs = provider.GetRequiredService<BlobServiceClient>();
        var tables = provider.GetRequiredService<TableServiceClient>();
        var queues = provider.GetRequiredService<QueueServiceClient>();

        Assert.Equal("example.blob.core.windows.net", blobs.Uri.Host);
        Assert.Equal("example", tables.AccountName);
        Assert.Equal("example.queue.core.windows.net", queues.Uri.Host);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddTaskFunctionsStorage();
        return services.BuildServiceProvider();
    }
}
