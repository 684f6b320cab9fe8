using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TaskFunctions.Core.Storage;

/// <summary>
/// <see cref="ITaskStore"/> on Table Storage: one record entity per task plus newest-first index entities that
/// carry a copy of the document, so a list page is one range query.
/// </summary>
/// <remarks>
/// A coordinator of four parts:
/// <list type="bullet">
/// <item><see cref="TaskRecordCodec"/>: the record (table <c>Storage:TasksTable</c>, PartitionKey = encoded task id,
/// RowKey "r", so get-by-id is one point read) ⇄ <see cref="StoredTask"/>, the document inline in chunks or in a
/// blob of <see cref="DocumentContainer"/>.</item>
/// <item><see cref="TenantIndexTables"/>: two index entities per task, in its tenant's own table and in the global
/// one (admin lists), RowKey = inverted creation ticks + "_" + encoded id, so one partition range query returns
/// newest first; the global table is created on start, a tenant's table by its first write.</item>
/// <item><see cref="TaskIndexProtocol"/>: the write-ahead protocol (pending marker, versions, held entities of
/// in-flight tasks, crash cases) that keeps index copies exact without a cross-table transaction.</item>
/// <item><see cref="TaskIndexQuery"/>: filters, skip walking and resolving index entries against records.</item>
/// </list>
/// Updates first read the record's document blob name ($select, one point read) unless the task was read from the
/// store, so a superseded blob can be removed after the conditional replace wins.
/// </remarks>
public sealed class TableTaskStore : ITaskStore
{
    /// <summary>Blob container for documents too large for an entity.</summary>
    public const string DocumentContainer = "task-documents";

    private readonly TaskRecordCodec _records;
    private readonly TenantIndexTables _indexTables;
    private readonly TaskIndexProtocol _index;
    private readonly TaskIndexQuery _query;
    private readonly RecentRecords _recent = new();

    /// <summary>Uses the table names of <see cref="StorageOptions"/>; the service clients and the clock are DI singletons.</summary>
    public TableTaskStore(TableServiceClient tables, BlobServiceClient blobs, IOptions<StorageOptions> options, TimeProvider time, ILogger<TableTaskStore> logger)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        _records = new TaskRecordCodec(tables.GetTableClient(options.Value.TasksTable), blobs.GetBlobContainerClient(DocumentContainer), logger);
        _indexTables = new TenantIndexTables(tables, options.Value.TaskIndexTable, logger);
        _index = new TaskIndexProtocol(_indexTables, time, logger);
        _query = new TaskIndexQuery(_indexTables, _records, _index);
    }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        // Tenant index tables are created by each tenant's first write.
        await Task.WhenAll(
            _records.Records.CreateIfNotExistsAsync(cancellationToken),
            _indexTables.EnsureAsync(_indexTables.Table(TableKeys.GlobalPartition), cancellationToken),
            _records.Documents.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
    }

    /// <inheritdoc />
    public Task CreateAsync(StoredTask task, CancellationToken cancellationToken = default) =>
        CreateAsync(task, whileIndexing: null, cancellationToken);

    /// <inheritdoc />
    public async Task CreateAsync(StoredTask task, Func<Task>? whileIndexing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);

        var version = TaskIndexProtocol.NewVersion();
        var held = TaskIndexProtocol.IsInFlight(task);
        var (record, blobName) = await _records.ToRecordEntityAsync(task, version, held, cancellationToken);

        // Record and pending index entities in parallel: pending entities are never served without their record,
        // and a crash between the two leaves only orphans (index without record) that lists clean up.
        // Upsert, not insert, for the index: a create retried after a crash must succeed.
        var indexWrites = _index.MarkPending(task, version, held, cancellationToken);
        var recordWrite = _records.Records.AddEntityAsync(record, cancellationToken);
        try
        {
            await Task.WhenAll(indexWrites.Append<Task>(recordWrite));
        }
        catch (Exception) when (recordWrite.IsCompletedSuccessfully)
        {
            // The index write failed: take the record back, or it would exist without being listed.
            var created = await recordWrite;
            await _index.CompensateAsync(() => _records.Records.DeleteEntityAsync(record.PartitionKey, record.RowKey, created.Headers.ETag ?? ETag.All, CancellationToken.None));
            await _records.DeleteDocumentBlobAsync(blobName);
            throw;
        }
        catch (Exception)
        {
            await _records.DeleteDocumentBlobAsync(blobName);
            await WhenAllSettled(indexWrites);
            if (recordWrite.Exception?.InnerException is RequestFailedException { Status: 409 })
            {
                await _index.UndoDuplicateAsync(task, await GetAsync(task.Id, cancellationToken), cancellationToken);
                throw new TaskConcurrencyException($"Task {task.Id} already exists.", task.Id);
            }

            await _index.DeleteOwnEntitiesAsync(indexWrites, task);
            throw;
        }

        task.ETag = (await recordWrite).Headers.ETag ?? default;
        TaskIndexProtocol.Written(task, version, held, blobName);
        _recent.Remember(task);

        // An in-flight task's entities stay held pending (its workflow writes it again soon); a task created settled commits.
        var commit = held ? Task.CompletedTask : _index.CommitAsync(task, indexWrites);
        if (whileIndexing is null)
        {
            await commit;
            return;
        }

        try
        {
            await whileIndexing();
        }
        finally
        {
            await commit;
        }
    }

    /// <inheritdoc />
    public async Task<StoredTask?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var task = (await _records.ReadAsync(id, cancellationToken))?.Task;
        if (task is null)
        {
            _recent.Forget(id);
        }
        else
        {
            _recent.Remember(task);
        }

        return task;
    }

    /// <inheritdoc />
    public StoredTask? Recent(string id) => _recent.Get(id);

    /// <inheritdoc />
    public async Task UpdateAsync(StoredTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);

        // The old blob name (if any) is known when the task was read from the store (the update is conditional on that
        // read's ETag); otherwise read it cheaply via $select.
        var previousBlob = task.DocumentLocationKnown ? task.DocumentBlobName : await _records.GetDocumentBlobNameAsync(task.Id, cancellationToken);
        var held = TaskIndexProtocol.IsInFlight(task);

        // Still in flight with entities held and no filtered column changed: the record alone is written, under the
        // same version, so the entities still name it. Otherwise a new version, marked on the entities first.
        var recordOnly = TaskIndexProtocol.IsRecordOnly(task, held);
        var version = recordOnly ? task.RecordVersion! : TaskIndexProtocol.NewVersion();
        var (record, blobName) = await _records.ToRecordEntityAsync(task, version, held, cancellationToken);

        // Mark first: until the record write below lands and the marker is cleared, lists verify against the record.
        var indexWrites = recordOnly ? [] : _index.MarkPending(task, version, held, cancellationToken);
        try
        {
            await Task.WhenAll(indexWrites);
            var response = await _records.Records.UpdateEntityAsync(record, task.ETag, TableUpdateMode.Replace, cancellationToken);
            task.ETag = response.Headers.ETag ?? default;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            // The pending entities name a version that never landed; lists read the record and repair them.
            _recent.Forget(task.Id);
            await _records.DeleteDocumentBlobAsync(blobName);
            throw new TaskConcurrencyException(task.Id, ex);
        }
        catch
        {
            _recent.Forget(task.Id); // the write may or may not have landed
            await _records.DeleteDocumentBlobAsync(blobName);
            throw;
        }

        TaskIndexProtocol.Written(task, version, held, blobName);
        _recent.Remember(task);
        if (previousBlob is not null && previousBlob != blobName)
        {
            await _records.DeleteDocumentBlobAsync(previousBlob);
        }

        // A task still in flight will be written again soon: its entities stay held pending (lists check them against
        // the record) rather than paying two more writes per step. Settled tasks get exact copies, served without a read.
        if (!held)
        {
            await _index.CommitAsync(task, indexWrites);
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(StoredTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);

        _recent.Forget(task.Id);
        await _index.MarkDeletingAsync(task, cancellationToken);
        await _records.Records.DeleteEntityAsync(TableKeys.Encode(task.Id), TaskRecordCodec.RecordRowKey, ETag.All, cancellationToken);
        await Task.WhenAll(
            _index.DeleteEntitiesAsync(task, cancellationToken),
            _records.DeleteDocumentBlobsAsync(task.Id, cancellationToken));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredTask>> ListAsync(TaskListQuery query, CancellationToken cancellationToken = default) =>
        _query.ListAsync(query, cancellationToken);

    /// <summary>The record entity a write of <paramref name="task"/> would lay down (a fresh version, not held).</summary>
    internal Task<(TableEntity Record, string? BlobName)> ToRecordEntityAsync(StoredTask task, CancellationToken cancellationToken) =>
        _records.ToRecordEntityAsync(task, TaskIndexProtocol.NewVersion(), held: false, cancellationToken);

    private static async Task WhenAllSettled(IEnumerable<Task> tasks)
    {
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (Exception)
        {
            // Only waiting for them to finish; each outcome is inspected by the caller.
        }
    }
}
