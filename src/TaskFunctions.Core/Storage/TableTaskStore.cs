using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Storage;

/// <summary>
/// <see cref="ITaskStore"/> on Table Storage: one record entity per task plus newest-first index entities.
/// </summary>
/// <remarks>
/// Layout (Table Storage has no $skip, sorts only by PartitionKey/RowKey and pages at 1000):
/// <list type="bullet">
/// <item>Record (table <c>Storage:TasksTable</c>): PartitionKey = encoded task id, RowKey = "r", so get-by-id
/// is one point read. It holds the indexed columns and the document as UTF-8 split over binary properties
/// Doc0..DocN (64 KiB each). Documents over ~900 KB would break the 1 MiB entity limit and go to the blob
/// container <c>task-documents</c> under <c>{task id}/{version}</c>; the record keeps the blob name. A new
/// version name per write means a conditional update that loses its race never clobbers the winner's blob.</item>
/// <item>Index (table <c>Storage:TaskIndexTable</c>): two entities per task, PartitionKey "t:" + encoded tenant
/// and the global "all" (admin lists), RowKey = inverted creation ticks + "_" + encoded id, so one partition
/// range query returns newest first and every filter is a server-side $filter inside that partition.</item>
/// </list>
/// Writes are ordered so a crash leaves only index entities without a record (create: index first; delete:
/// record first). Lists skip such orphans and delete them once they are older than a grace period (a younger
/// one may be a create in flight); index entities whose keys do not match their record (a create that lost to
/// an existing id) are treated the same way. An index entity left stale by a crash after a record update is
/// repaired, conditionally on its listed ETag, when a list notices the record no longer matches the filter.
/// Updates first read the record's document blob name ($select, one point read) so a superseded blob can be
/// removed after the conditional replace wins.
/// </remarks>
public sealed class TableTaskStore : ITaskStore
{
    /// <summary>Blob container for documents too large for an entity.</summary>
    public const string DocumentContainer = "task-documents";

    internal const string RecordRowKey = "r";

    // The entity limit is 1 MiB including keys and the indexed columns; keep well clear of it.
    internal const int MaxInlineDocumentBytes = 900_000;

    // Binary properties are capped at 64 KiB.
    internal const int DocumentPartBytes = 64 * 1024;

    // A create writes its index entities before its record; younger orphans may be that window.
    internal static readonly TimeSpan OrphanGracePeriod = TimeSpan.FromMinutes(5);

    private const int PageSize = 1000;
    private const int MaxParallelReads = 16;

    private const string TaskIdProperty = "TaskId";
    private const string TenantProperty = "Tenant";
    private const string TaskTypeProperty = "TaskType";
    private const string StatusProperty = "Status";
    private const string CreatedAtProperty = "CreatedAt";
    private const string CreatedTicksProperty = "CreatedTicks";
    private const string UpdatedAtProperty = "UpdatedAt";
    private const string UpdatedTicksProperty = "UpdatedTicks";
    private const string OriginInstanceProperty = "OriginInstance";
    private const string OriginZoneProperty = "OriginZone";
    private const string OriginTenantIdProperty = "OriginTenantId";
    private const string WorkflowIdProperty = "WorkflowId";
    private const string IsDeletedProperty = "IsDeleted";
    private const string DocPartsProperty = "DocParts";
    private const string DocBlobProperty = "DocBlob";
    private const string DocPartPrefix = "Doc";

    private readonly TableClient _records;
    private readonly TableClient _index;
    private readonly BlobContainerClient _documents;
    private readonly ILogger<TableTaskStore> _logger;

    /// <summary>Uses the table names of <see cref="StorageOptions"/>; the service clients are DI singletons.</summary>
    public TableTaskStore(TableServiceClient tables, BlobServiceClient blobs, IOptions<StorageOptions> options, ILogger<TableTaskStore> logger)
    {
        _records = tables.GetTableClient(options.Value.TasksTable);
        _index = tables.GetTableClient(options.Value.TaskIndexTable);
        _documents = blobs.GetBlobContainerClient(DocumentContainer);
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await Task.WhenAll(
            _records.CreateIfNotExistsAsync(cancellationToken),
            _index.CreateIfNotExistsAsync(cancellationToken),
            _documents.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
    }

    /// <inheritdoc />
    public async Task CreateAsync(StoredTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);

        // Upsert, not insert: a create retried after a crash between index and record must succeed.
        await Task.WhenAll(
            _index.UpsertEntityAsync(ToIndexEntity(task, TableKeys.TenantPartition(task.Tenant)), TableUpdateMode.Replace, cancellationToken),
            _index.UpsertEntityAsync(ToIndexEntity(task, TableKeys.GlobalPartition), TableUpdateMode.Replace, cancellationToken));

        var (record, blobName) = await ToRecordEntityAsync(task, cancellationToken);
        try
        {
            var response = await _records.AddEntityAsync(record, cancellationToken);
            task.ETag = response.Headers.ETag ?? default;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            await DeleteDocumentBlobAsync(blobName);
            await UndoDuplicateIndexAsync(task, cancellationToken);
            throw new TaskConcurrencyException($"Task {task.Id} already exists.", task.Id);
        }
        catch
        {
            await DeleteDocumentBlobAsync(blobName);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<StoredTask?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var response = await _records.GetEntityIfExistsAsync<TableEntity>(TableKeys.Encode(id), RecordRowKey, cancellationToken: cancellationToken);
        return response.HasValue && response.Value is { } entity ? await FromRecordEntityAsync(entity, cancellationToken) : null;
    }

    /// <inheritdoc />
    public async Task UpdateAsync(StoredTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);

        // The old blob name (if any) is only known from the stored record; read it cheaply via $select.
        var previousBlob = await GetDocumentBlobNameAsync(task.Id, cancellationToken);
        var (record, blobName) = await ToRecordEntityAsync(task, cancellationToken);
        try
        {
            var response = await _records.UpdateEntityAsync(record, task.ETag, TableUpdateMode.Replace, cancellationToken);
            task.ETag = response.Headers.ETag ?? default;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            await DeleteDocumentBlobAsync(blobName);
            throw new TaskConcurrencyException(task.Id, ex);
        }
        catch
        {
            await DeleteDocumentBlobAsync(blobName);
            throw;
        }

        if (previousBlob is not null && previousBlob != blobName)
        {
            await DeleteDocumentBlobAsync(previousBlob);
        }

        await UpsertIndexAsync(task, cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(StoredTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);

        // Record first: a crash afterwards leaves orphan index entities, which lists clean up.
        await _records.DeleteEntityAsync(TableKeys.Encode(task.Id), RecordRowKey, ETag.All, cancellationToken);

        var rowKey = TableKeys.IndexRowKey(task.CreatedAt, task.Id);
        await Task.WhenAll(
            _index.DeleteEntityAsync(TableKeys.TenantPartition(task.Tenant), rowKey, ETag.All, cancellationToken),
            _index.DeleteEntityAsync(TableKeys.GlobalPartition, rowKey, ETag.All, cancellationToken),
            DeleteDocumentBlobsAsync(task.Id, cancellationToken));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredTask>> ListAsync(TaskListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit <= 0)
        {
            return [];
        }

        var filter = BuildFilter(query);
        var results = new List<StoredTask>(Math.Min(query.Limit, PageSize));
        var skipped = 0;
        var batch = new List<TableEntity>();

        // Keys only while skipping, so the skipped part of the range costs little bandwidth.
        await foreach (var entry in _index.QueryAsync<TableEntity>(
            filter, PageSize, ["PartitionKey", "RowKey", TaskIdProperty], cancellationToken))
        {
            if (skipped < query.Skip)
            {
                skipped++;
                continue;
            }

            batch.Add(entry);
            if (batch.Count >= query.Limit - results.Count)
            {
                await AppendMatchingRecordsAsync(batch, query, results, cancellationToken);
                batch.Clear();
                if (results.Count >= query.Limit)
                {
                    break;
                }
            }
        }

        if (batch.Count > 0)
        {
            await AppendMatchingRecordsAsync(batch, query, results, cancellationToken);
        }

        return results;
    }

    internal static string BuildFilter(TaskListQuery query)
    {
        var partition = query.Tenant is null ? TableKeys.GlobalPartition : TableKeys.TenantPartition(query.Tenant);
        var clauses = new List<string> { TableClient.CreateQueryFilter($"PartitionKey eq {partition}") };
        if (query.Status is { } status)
        {
            clauses.Add(TableClient.CreateQueryFilter($"Status eq {status.ToString()}"));
        }

        if (query.TaskType is { } taskType)
        {
            clauses.Add(TableClient.CreateQueryFilter($"TaskType eq {taskType.ToString()}"));
        }

        if (query.OriginInstance is { } originInstance)
        {
            clauses.Add(TableClient.CreateQueryFilter($"OriginInstance eq {originInstance}"));
        }

        if (query.OriginZone is { } originZone)
        {
            clauses.Add(TableClient.CreateQueryFilter($"OriginZone eq {originZone}"));
        }

        if (query.WorkflowId is { } workflowId)
        {
            clauses.Add(TableClient.CreateQueryFilter($"WorkflowId eq {workflowId}"));
        }

        if (!query.IncludeDeleted)
        {
            clauses.Add(TableClient.CreateQueryFilter($"IsDeleted eq {false}"));
        }

        return string.Join(" and ", clauses);
    }

    internal static bool Matches(StoredTask task, TaskListQuery query) =>
        (query.Tenant is null || query.Tenant == task.Tenant)
        && (query.Status is null || query.Status == task.Status)
        && (query.TaskType is null || query.TaskType == task.TaskType)
        && (query.OriginInstance is null || query.OriginInstance == task.OriginInstance)
        && (query.OriginZone is null || query.OriginZone == task.OriginZone)
        && (query.WorkflowId is null || query.WorkflowId == task.WorkflowId)
        && (query.IncludeDeleted || !task.IsDeleted);

    internal static TableEntity ToIndexEntity(StoredTask task, string partitionKey)
    {
        var entity = new TableEntity(partitionKey, TableKeys.IndexRowKey(task.CreatedAt, task.Id))
        {
            [TaskIdProperty] = task.Id,
        };
        AddIndexedColumns(entity, task);
        return entity;
    }

    private async Task AppendMatchingRecordsAsync(List<TableEntity> entries, TaskListQuery query, List<StoredTask> results, CancellationToken cancellationToken)
    {
        var tasks = new StoredTask?[entries.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, entries.Count),
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelReads, CancellationToken = cancellationToken },
            async (i, ct) => tasks[i] = await ResolveIndexEntryAsync(entries[i], query, ct));

        foreach (var task in tasks)
        {
            if (task is not null && results.Count < query.Limit)
            {
                results.Add(task);
            }
        }
    }

    private async Task<StoredTask?> ResolveIndexEntryAsync(TableEntity entry, TaskListQuery query, CancellationToken cancellationToken)
    {
        var id = entry.GetString(TaskIdProperty);
        var task = id is null ? null : await GetAsync(id, cancellationToken);
        if (task is null)
        {
            await DeleteOrphanIfOldAsync(entry, id ?? string.Empty, cancellationToken);
            return null;
        }

        if (!IsIndexEntryOf(entry, task))
        {
            // Left by a create that lost to an existing task with the same id.
            await DeleteOrphanIfOldAsync(entry, task.Id, cancellationToken);
            return null;
        }

        if (!Matches(task, query))
        {
            await RepairIndexEntryAsync(entry, task, cancellationToken);
            return null;
        }

        return task;
    }

    private static bool IsIndexEntryOf(TableEntity entry, StoredTask task) =>
        entry.RowKey == TableKeys.IndexRowKey(task.CreatedAt, task.Id)
        && (entry.PartitionKey == TableKeys.GlobalPartition || entry.PartitionKey == TableKeys.TenantPartition(task.Tenant));

    // The index entities were upserted before the record insert found the id taken: entities that share keys
    // with the existing task's get its values back, the rest are removed.
    private async Task UndoDuplicateIndexAsync(StoredTask duplicate, CancellationToken cancellationToken)
    {
        var existing = await GetAsync(duplicate.Id, cancellationToken);
        var rowKey = TableKeys.IndexRowKey(duplicate.CreatedAt, duplicate.Id);
        await Task.WhenAll(new[] { TableKeys.TenantPartition(duplicate.Tenant), TableKeys.GlobalPartition }.Select(partition =>
        {
            var probe = new TableEntity(partition, rowKey);
            return existing is not null && IsIndexEntryOf(probe, existing)
                ? _index.UpsertEntityAsync(ToIndexEntity(existing, partition), TableUpdateMode.Replace, cancellationToken)
                : _index.DeleteEntityAsync(partition, rowKey, ETag.All, cancellationToken);
        }));
    }

    private async Task DeleteOrphanIfOldAsync(TableEntity entry, string id, CancellationToken cancellationToken)
    {
        var createdAt = TableKeys.CreatedAtFromIndexRowKey(entry.RowKey);
        if (createdAt is null || DateTimeOffset.UtcNow - createdAt.Value < OrphanGracePeriod)
        {
            return;
        }

        try
        {
            // Conditional on the ETag as listed: a create retried meanwhile rewrites the entity and keeps it.
            await _index.DeleteEntityAsync(entry.PartitionKey, entry.RowKey, entry.ETag, cancellationToken);
            Log.OrphanIndexDeleted(_logger, entry.PartitionKey, entry.RowKey, id);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            // Rewritten or removed since it was listed: nothing left to clean.
        }
    }

    private async Task RepairIndexEntryAsync(TableEntity entry, StoredTask task, CancellationToken cancellationToken)
    {
        // The record moved on but its index entity did not follow (an update in flight, or a crash after the
        // record write). Conditional on the listed ETag, so an in-flight update's own index write always wins
        // over this repair made from a possibly older record read.
        try
        {
            await _index.UpdateEntityAsync(ToIndexEntity(task, entry.PartitionKey), entry.ETag, TableUpdateMode.Merge, cancellationToken);
            Log.StaleIndexRepaired(_logger, task.Id);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            // A newer write already moved the entity on.
        }
    }

    private Task UpsertIndexAsync(StoredTask task, CancellationToken cancellationToken) =>
        Task.WhenAll(
            _index.UpsertEntityAsync(ToIndexEntity(task, TableKeys.TenantPartition(task.Tenant)), TableUpdateMode.Merge, cancellationToken),
            _index.UpsertEntityAsync(ToIndexEntity(task, TableKeys.GlobalPartition), TableUpdateMode.Merge, cancellationToken));

    private static void AddIndexedColumns(TableEntity entity, StoredTask task)
    {
        entity[TenantProperty] = task.Tenant;
        entity[TaskTypeProperty] = task.TaskType.ToString();
        entity[StatusProperty] = task.Status.ToString();
        entity[CreatedAtProperty] = task.CreatedAt.ToUniversalTime();
        entity[IsDeletedProperty] = task.IsDeleted;
        AddIfNotNull(entity, OriginInstanceProperty, task.OriginInstance);
        AddIfNotNull(entity, OriginZoneProperty, task.OriginZone);
        AddIfNotNull(entity, WorkflowIdProperty, task.WorkflowId);
    }

    private static void AddIfNotNull(TableEntity entity, string name, string? value)
    {
        if (value is not null)
        {
            entity[name] = value;
        }
    }

    internal async Task<(TableEntity Record, string? BlobName)> ToRecordEntityAsync(StoredTask task, CancellationToken cancellationToken)
    {
        var record = new TableEntity(TableKeys.Encode(task.Id), RecordRowKey)
        {
            [TaskIdProperty] = task.Id,
            // Ticks keep full precision: the index RowKey is derived from CreatedAt and must be recomputable.
            [CreatedTicksProperty] = task.CreatedAt.UtcTicks,
            [UpdatedAtProperty] = task.UpdatedAt.ToUniversalTime(),
            [UpdatedTicksProperty] = task.UpdatedAt.UtcTicks,
        };
        AddIndexedColumns(record, task);
        AddIfNotNull(record, OriginTenantIdProperty, task.OriginTenantId);

        var bytes = Encoding.UTF8.GetBytes(task.Document);
        if (bytes.Length > MaxInlineDocumentBytes)
        {
            var blobName = $"{TableKeys.Encode(task.Id)}/{Guid.NewGuid():N}";
            await _documents.GetBlobClient(blobName).UploadAsync(new BinaryData(bytes), overwrite: true, cancellationToken);
            record[DocBlobProperty] = blobName;
            return (record, blobName);
        }

        var parts = (bytes.Length + DocumentPartBytes - 1) / DocumentPartBytes;
        record[DocPartsProperty] = parts;
        for (var i = 0; i < parts; i++)
        {
            var offset = i * DocumentPartBytes;
            record[DocPartPrefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture)] =
                bytes.AsSpan(offset, Math.Min(DocumentPartBytes, bytes.Length - offset)).ToArray();
        }

        return (record, null);
    }

    private async Task<StoredTask> FromRecordEntityAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        return new StoredTask
        {
            Id = entity.GetString(TaskIdProperty),
            Tenant = entity.GetString(TenantProperty) ?? string.Empty,
            TaskType = Enum.Parse<TaskType>(entity.GetString(TaskTypeProperty)),
            Status = Enum.Parse<TaskState>(entity.GetString(StatusProperty)),
            CreatedAt = new DateTimeOffset(entity.GetInt64(CreatedTicksProperty) ?? 0, TimeSpan.Zero),
            UpdatedAt = new DateTimeOffset(entity.GetInt64(UpdatedTicksProperty) ?? 0, TimeSpan.Zero),
            OriginInstance = entity.GetString(OriginInstanceProperty),
            OriginZone = entity.GetString(OriginZoneProperty),
            OriginTenantId = entity.GetString(OriginTenantIdProperty),
            WorkflowId = entity.GetString(WorkflowIdProperty),
            IsDeleted = entity.GetBoolean(IsDeletedProperty) ?? false,
            Document = await ReadDocumentAsync(entity, cancellationToken),
            ETag = entity.ETag,
        };
    }

    private async Task<string> ReadDocumentAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        if (entity.GetString(DocBlobProperty) is { } blobName)
        {
            var content = await _documents.GetBlobClient(blobName).DownloadContentAsync(cancellationToken);
            return Encoding.UTF8.GetString(content.Value.Content);
        }

        var parts = entity.GetInt32(DocPartsProperty) ?? 0;
        using var buffer = new MemoryStream();
        for (var i = 0; i < parts; i++)
        {
            var part = entity.GetBinary(DocPartPrefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture))
                ?? throw new InvalidDataException($"Task {entity.GetString(TaskIdProperty)} lacks document part {i}.");
            buffer.Write(part);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private async Task<string?> GetDocumentBlobNameAsync(string id, CancellationToken cancellationToken)
    {
        var response = await _records.GetEntityIfExistsAsync<TableEntity>(
            TableKeys.Encode(id), RecordRowKey, [DocBlobProperty], cancellationToken);
        return response.HasValue ? response.Value?.GetString(DocBlobProperty) : null;
    }

    private async Task DeleteDocumentBlobAsync(string? blobName)
    {
        if (blobName is null)
        {
            return;
        }

        try
        {
            // Not cancellable: the cleanup belongs to a write that is already decided.
            await _documents.GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
        }
        catch (RequestFailedException ex)
        {
            Log.DocumentBlobCleanupFailed(_logger, blobName, ex);
        }
    }

    private async Task DeleteDocumentBlobsAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var blob in _documents.GetBlobsAsync(BlobTraits.None, BlobStates.None, TableKeys.Encode(id) + "/", cancellationToken))
            {
                await _documents.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No document container yet means no document blobs.
        }
    }
}
