using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Storage;

namespace TaskFunctions.Tests.Storage;

/// <summary>A <see cref="TableTaskStore"/> on tables of its own, dropped again on dispose.</summary>
internal sealed class StoreScope : IAsyncDisposable
{
    private StoreScope(string connectionString, TimeProvider? time)
    {
        Options = new StorageOptions
        {
            ConnectionString = connectionString,
            TasksTable = "tasks" + Guid.NewGuid().ToString("N"),
            TaskIndexTable = "index" + Guid.NewGuid().ToString("N"),
        };
        Tables = new TableServiceClient(connectionString);
        Blobs = new BlobServiceClient(connectionString);
        Store = new TableTaskStore(Tables, Blobs, Microsoft.Extensions.Options.Options.Create(Options), time ?? TimeProvider.System, NullLogger<TableTaskStore>.Instance);
    }

    public StorageOptions Options { get; }

    public TableServiceClient Tables { get; }

    public BlobServiceClient Blobs { get; }

    public TableTaskStore Store { get; }

    /// <summary>A second store on the same tables, as another process of the deployment has (with its own record copies).</summary>
    public TableTaskStore OtherProcessStore() =>
        new(Tables, Blobs, Microsoft.Extensions.Options.Options.Create(Options), TimeProvider.System, NullLogger<TableTaskStore>.Instance);

    public TableClient RecordTable => Tables.GetTableClient(Options.TasksTable);

    /// <summary>The index table the store uses for <paramref name="partitionKey"/>.</summary>
    public TableClient IndexTable(string partitionKey) => Tables.GetTableClient(IndexTableNames.ForPartition(Options.TaskIndexTable, partitionKey));

    /// <summary>The index table of <paramref name="tenant"/>'s partition.</summary>
    public TableClient TenantIndexTable(string tenant) => IndexTable(TableKeys.TenantPartition(tenant));

    /// <summary>The index table of the admin partition.</summary>
    public TableClient GlobalIndexTable => IndexTable(TableKeys.GlobalPartition);

    public BlobContainerClient Documents => Blobs.GetBlobContainerClient(TableTaskStore.DocumentContainer);

    /// <summary>A scope whose store reads <paramref name="time"/> (default: the system clock).</summary>
    public static async Task<StoreScope> CreateAsync(string connectionString, TimeProvider? time = null)
    {
        var scope = new StoreScope(connectionString, time);
        await scope.Store.InitializeAsync();
        return scope;
    }

    /// <summary>Names of the index tables that exist under this scope's prefix.</summary>
    public async Task<List<string>> IndexTableNamesAsync()
    {
        var names = new List<string>();
        await foreach (var table in Tables.QueryAsync())
        {
            if (IndexTableNames.IsIndexTableName(Options.TaskIndexTable, table.Name))
            {
                names.Add(table.Name);
            }
        }

        return names;
    }

    /// <summary>Index entities of one task, across every index table and partition.</summary>
    public async Task<List<TableEntity>> IndexEntitiesOfAsync(string taskId)
    {
        var entities = new List<TableEntity>();
        foreach (var name in await IndexTableNamesAsync())
        {
            await foreach (var entity in Tables.GetTableClient(name).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"TaskId eq {taskId}")))
            {
                entities.Add(entity);
            }
        }

        return entities;
    }

    public async ValueTask DisposeAsync()
    {
        await RecordTable.DeleteAsync();
        foreach (var name in await IndexTableNamesAsync())
        {
            await Tables.DeleteTableAsync(name);
        }
    }
}
