using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Storage;

namespace TaskFunctions.Tests.Storage;

/// <summary>A <see cref="TableTaskStore"/> on tables of its own, dropped again on dispose.</summary>
internal sealed class StoreScope : IAsyncDisposable
{
    private StoreScope(string connectionString)
    {
        Options = new StorageOptions
        {
            ConnectionString = connectionString,
            TasksTable = "tasks" + Guid.NewGuid().ToString("N"),
            TaskIndexTable = "index" + Guid.NewGuid().ToString("N"),
        };
        Tables = new TableServiceClient(connectionString);
        Blobs = new BlobServiceClient(connectionString);
        Store = new TableTaskStore(Tables, Blobs, Microsoft.Extensions.Options.Options.Create(Options), NullLogger<TableTaskStore>.Instance);
    }

    public StorageOptions Options { get; }

    public TableServiceClient Tables { get; }

    public BlobServiceClient Blobs { get; }

    public TableTaskStore Store { get; }

    public TableClient RecordTable => Tables.GetTableClient(Options.TasksTable);

    public TableClient IndexTable => Tables.GetTableClient(Options.TaskIndexTable);

    public BlobContainerClient Documents => Blobs.GetBlobContainerClient(TableTaskStore.DocumentContainer);

    public static async Task<StoreScope> CreateAsync(string connectionString)
    {
        var scope = new StoreScope(connectionString);
        await scope.Store.InitializeAsync();
        return scope;
    }

    /// <summary>Index entities of one task, across every partition.</summary>
    public async Task<List<TableEntity>> IndexEntitiesOfAsync(string taskId)
    {
        var entities = new List<TableEntity>();
        await foreach (var entity in IndexTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"TaskId eq {taskId}")))
        {
            entities.Add(entity);
        }

        return entities;
    }

    public async ValueTask DisposeAsync()
    {
        await RecordTable.DeleteAsync();
        await IndexTable.DeleteAsync();
    }
}
