using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Microsoft.Extensions.Logging;

namespace TaskFunctions.Core.Storage;

/// <summary>
/// The index tables (<see cref="IndexTableNames"/>: <c>Storage:TaskIndexTable</c> + "t" + hash per tenant partition,
/// + "all" for the global one): the table of a partition, created once per table per process on its first write
/// and created again when a write finds it dropped since (a tenant purge drops it).
/// </summary>
internal sealed class TenantIndexTables(TableServiceClient tables, string prefix, ILogger logger)
{
    // Index tables this process has created (or found) since it started, by name: one CreateIfNotExists per table,
    // shared by concurrent writers; a failed creation is dropped so the next write tries again.
    private readonly ConcurrentDictionary<string, Lazy<Task>> _ready = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The partitions a task's index entities live in: its tenant's, then the global one.</summary>
    public static string[] PartitionsOf(StoredTask task) => [TableKeys.TenantPartition(task.Tenant), TableKeys.GlobalPartition];

    /// <summary>The partition a list reads: the tenant's, or the global one for an admin list.</summary>
    public static string PartitionOf(TaskListQuery query) =>
        query.Tenant is null ? TableKeys.GlobalPartition : TableKeys.TenantPartition(query.Tenant);

    public static bool IsTableNotFound(RequestFailedException ex) =>
        ex.Status == 404 && string.Equals(ex.ErrorCode, TableErrorCode.TableNotFound.ToString(), StringComparison.Ordinal);

    /// <summary>The table holding the index entities of <paramref name="partitionKey"/> (a cheap client; no I/O).</summary>
    public TableClient Table(string partitionKey) => tables.GetTableClient(IndexTableNames.ForPartition(prefix, partitionKey));

    /// <summary>
    /// Upsert into the entity's index table, creating that table on its first write. If the table has gone since
    /// (a tenant purge drops it), the cached "created" is forgotten and the write retried once on a new table.
    /// </summary>
    public async Task<Response> UpsertAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        var table = Table(entity.PartitionKey);
        await EnsureAsync(table, cancellationToken);
        try
        {
            return await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (IsTableNotFound(ex))
        {
            _ready.TryRemove(table.Name, out _);
            await EnsureAsync(table, cancellationToken);
            return await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        }
    }

    // A missing entity or table answers 404 without throwing: there is nothing to delete either way.
    public Task<Response> DeleteEntityAsync(string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken) =>
        Table(partitionKey).DeleteEntityAsync(partitionKey, rowKey, ifMatch, cancellationToken);

    /// <summary>Creates <paramref name="table"/> unless this process already has; concurrent callers share one creation.</summary>
    public async Task EnsureAsync(TableClient table, CancellationToken cancellationToken)
    {
        // Not the caller's token: the creation is shared, and one caller giving up must not fail the others.
#pragma warning disable VSTHRD011 // no JoinableTaskFactory to deadlock on; a faulted creation is evicted below
        var ready = _ready.GetOrAdd(table.Name, _ => new Lazy<Task>(() => CreateAsync(table)));
#pragma warning restore VSTHRD011
        try
        {
            await ready.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (ready.Value.IsFaulted || ready.Value.IsCanceled)
        {
            _ready.TryRemove(KeyValuePair.Create(table.Name, ready));
            throw;
        }
    }

    private async Task CreateAsync(TableClient table)
    {
        // CreateIfNotExists treats a table created by a racing writer (409) as success.
        await table.CreateIfNotExistsAsync(CancellationToken.None);
        Log.IndexTableReady(logger, table.Name);
    }
}
