using System.Collections.Concurrent;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Storage;

/// <summary>
/// <see cref="ITaskStore"/> on Table Storage: one record entity per task plus newest-first index entities that
/// carry a copy of the document, so a list page is one range query.
/// </summary>
/// <remarks>
/// Layout (Table Storage has no $skip, sorts only by PartitionKey/RowKey and pages at 1000):
/// <list type="bullet">
/// <item>Record (table <c>Storage:TasksTable</c>): PartitionKey = encoded task id, RowKey = "r", so get-by-id
/// is one point read. It holds the indexed columns and the document as UTF-8 split over binary properties
/// Doc0..DocN (64 KiB each). Documents over ~900 KB would break the 1 MiB entity limit and go to the blob
/// container <c>task-documents</c> under <c>{task id}/{version}</c>; the record keeps the blob name. A new
/// version name per write means a conditional update that loses its race never clobbers the winner's blob.</item>
/// <item>Index: two entities per task, PartitionKey "t:" + encoded tenant in that tenant's own table and the
/// global "all" (admin lists) in the global table (<see cref="IndexTableNames"/>: <c>Storage:TaskIndexTable</c> +
/// "t" + hash, and + "all"), RowKey = inverted creation ticks + "_" + encoded id, so one partition range query
/// returns newest first and every filter is a server-side $filter inside that partition. Each carries every
/// column of the record and, when the UTF-8 document fits one binary property, a copy of it. The global table is
/// created on start, a tenant's table by its first write; a list of a tenant without a table is empty.</item>
/// </list>
/// Index copies stay correct without a transaction across the three tables through a write-ahead marker: every
/// write stamps a fresh <c>Version</c> on the record and first writes the index entities as <c>Pending</c>
/// with that version (round 1), then writes the record (round 2), then clears <c>Pending</c> conditionally on
/// the ETags of its own index writes (round 3; a create runs rounds 1 and 2 in parallel). A list serves a
/// non-pending copy as it is; for a pending entity (or one without a copy) it reads the record and serves that.
/// Only a reader that finds the record at the entity's version may clear the marker (conditional on the ETag
/// it listed, so a writer that marked the entity since wins); otherwise it rewrites the entity from the record,
/// still pending, and a later list clears it. A non-pending entity therefore always equals its record, whatever
/// crashed where; a crash at worst costs point reads until the next list repairs the entity.
/// In-flight tasks (neither terminal nor deleted) hold their entities pending: the write that makes a task in flight
/// (its create, or a full write as above) marks its entities <c>Held</c> (pending, no document copy, the columns of that
/// write) and the record <c>IndexHeld</c>. While the record says so, no reader clears the entities, so later writes that
/// change no indexed column but Status (PENDING → RUNNING, the journal, progress, the provider job) write the record
/// alone under the same version, conditional on its ETag as before; a non-terminal Status filter also takes held
/// entities, and the record read that resolves a pending entity decides. The write that settles the task (terminal or
/// deleted) runs the three rounds and commits exact copies.
/// Index entities without a record are orphans of a crashed or failed create (or of a delete): lists skip them
/// and delete them once they are older than a grace period (a younger one may be a create in flight); index
/// entities whose keys do not match their record (a create that lost to an existing id) are treated the same way.
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

    // Index copies live in one binary property: larger documents are listed through a point read of the record,
    // which keeps index entities (and the pages a list transfers) small.
    internal const int MaxIndexCopyBytes = DocumentPartBytes;

    // A create writes its index entities alongside its record; younger orphans may be that window.
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
    private const string VersionProperty = "Version";
    private const string PendingProperty = "Pending";
    private const string DocCopyProperty = "DocCopy";
    private const string RecordETagProperty = "RecordETag";
    private const string IndexHeldProperty = "IndexHeld";
    private const string HeldProperty = "Held";

    private readonly TableServiceClient _tables;
    private readonly TableClient _records;
    private readonly string _indexPrefix;
    private readonly BlobContainerClient _documents;
    private readonly ILogger<TableTaskStore> _logger;

    // Index tables this store has created (or found) since it started, by name: one CreateIfNotExists per table,
    // shared by concurrent writers; a failed creation is dropped so the next write tries again.
    private readonly ConcurrentDictionary<string, Lazy<Task>> _indexTablesReady = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Uses the table names of <see cref="StorageOptions"/>; the service clients are DI singletons.</summary>
    public TableTaskStore(TableServiceClient tables, BlobServiceClient blobs, IOptions<StorageOptions> options, ILogger<TableTaskStore> logger)
    {
        _tables = tables;
        _records = tables.GetTableClient(options.Value.TasksTable);
        _indexPrefix = options.Value.TaskIndexTable;
        _documents = blobs.GetBlobContainerClient(DocumentContainer);
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        // Tenant index tables are created by each tenant's first write.
        await Task.WhenAll(
            _records.CreateIfNotExistsAsync(cancellationToken),
            EnsureIndexTableAsync(IndexTable(TableKeys.GlobalPartition), cancellationToken),
            _documents.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
    }

    /// <inheritdoc />
    public Task CreateAsync(StoredTask task, CancellationToken cancellationToken = default) =>
        CreateAsync(task, whileIndexing: null, cancellationToken);

    /// <inheritdoc />
    public async Task CreateAsync(StoredTask task, Func<Task>? whileIndexing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);

        var version = NewVersion();
        var held = IsInFlight(task);
        var (record, blobName) = await ToRecordEntityAsync(task, version, held, cancellationToken);

        // Record and pending index entities in parallel: pending entities are never served without their record,
        // and a crash between the two leaves only orphans (index without record) that lists clean up.
        // Upsert, not insert, for the index: a create retried after a crash must succeed.
        var indexWrites = IndexPartitions(task)
            .Select(partition => UpsertIndexEntityAsync(ToIndexEntity(task, partition, version, pending: true, held), cancellationToken))
            .ToArray();
        var recordWrite = _records.AddEntityAsync(record, cancellationToken);
        try
        {
            await Task.WhenAll(indexWrites.Append<Task>(recordWrite));
        }
        catch (Exception) when (recordWrite.IsCompletedSuccessfully)
        {
            // The index write failed: take the record back, or it would exist without being listed.
            var created = await recordWrite;
            await CompensateAsync(() => _records.DeleteEntityAsync(record.PartitionKey, record.RowKey, created.Headers.ETag ?? ETag.All, CancellationToken.None));
            await DeleteDocumentBlobAsync(blobName);
            throw;
        }
        catch (Exception)
        {
            await DeleteDocumentBlobAsync(blobName);
            await WhenAllSettled(indexWrites);
            if (recordWrite.Exception?.InnerException is RequestFailedException { Status: 409 })
            {
                await UndoDuplicateIndexAsync(task, cancellationToken);
                throw new TaskConcurrencyException($"Task {task.Id} already exists.", task.Id);
            }

            await DeleteOwnIndexEntitiesAsync(indexWrites, task);
            throw;
        }

        task.ETag = (await recordWrite).Headers.ETag ?? default;
        Written(task, version, held, blobName);

        // An in-flight task's entities stay held pending (its workflow writes it again soon); a task created settled commits.
        var commit = held ? Task.CompletedTask : CommitIndexAsync(task, indexWrites);
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
    public async Task<StoredTask?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await ReadRecordAsync(id, cancellationToken))?.Task;

    /// <inheritdoc />
    public async Task UpdateAsync(StoredTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);

        // The old blob name (if any) is known when the task was read from the store (the update is conditional on that
        // read's ETag); otherwise read it cheaply via $select.
        var previousBlob = task.DocumentLocationKnown ? task.DocumentBlobName : await GetDocumentBlobNameAsync(task.Id, cancellationToken);
        var held = IsInFlight(task);

        // Still in flight, entities held since the read this update is conditional on, and no column they are filtered
        // by changed (Status aside: held entities match every in-flight status): the record alone is written, under the
        // same version, so the entities still name it. Otherwise a new version, marked on the entities first.
        var recordOnly = held && task.IndexHeld && task.RecordVersion is not null && task.HeldColumns == HeldColumnsOf(task);
        var version = recordOnly ? task.RecordVersion! : NewVersion();
        var (record, blobName) = await ToRecordEntityAsync(task, version, held, cancellationToken);

        // Mark first: until the record write below lands and the marker is cleared, lists verify against the record.
        var indexWrites = recordOnly
            ? []
            : IndexPartitions(task)
                .Select(partition => UpsertIndexEntityAsync(ToIndexEntity(task, partition, version, pending: true, held), cancellationToken))
                .ToArray();
        try
        {
            await Task.WhenAll(indexWrites);
            var response = await _records.UpdateEntityAsync(record, task.ETag, TableUpdateMode.Replace, cancellationToken);
            task.ETag = response.Headers.ETag ?? default;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            // The pending entities name a version that never landed; lists read the record and repair them.
            await DeleteDocumentBlobAsync(blobName);
            throw new TaskConcurrencyException(task.Id, ex);
        }
        catch
        {
            await DeleteDocumentBlobAsync(blobName);
            throw;
        }

        Written(task, version, held, blobName);
        if (previousBlob is not null && previousBlob != blobName)
        {
            await DeleteDocumentBlobAsync(previousBlob);
        }

        // A task still in flight will be written again soon: its entities stay held pending (lists check them against
        // the record) rather than paying two more writes per step. Settled tasks get exact copies, served without a read.
        if (!held)
        {
            await CommitIndexAsync(task, indexWrites);
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(StoredTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);

        // A new pending version first: a list racing this delete can then never clear the marker from a record
        // read just before the record goes, and a crash afterwards leaves pending orphans, which lists clean up.
        var rowKey = TableKeys.IndexRowKey(task.CreatedAt, task.Id);
        var marker = NewVersion();
        await Task.WhenAll(IndexPartitions(task).Select(async partition =>
        {
            try
            {
                await IndexTable(partition).UpdateEntityAsync(
                    new TableEntity(partition, rowKey) { [PendingProperty] = true, [VersionProperty] = marker },
                    ETag.All,
                    TableUpdateMode.Merge,
                    cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Already gone, or the tenant's table never existed.
            }
        }));

        await _records.DeleteEntityAsync(TableKeys.Encode(task.Id), RecordRowKey, ETag.All, cancellationToken);

        await Task.WhenAll(
            DeleteIndexEntityAsync(TableKeys.TenantPartition(task.Tenant), rowKey, ETag.All, cancellationToken),
            DeleteIndexEntityAsync(TableKeys.GlobalPartition, rowKey, ETag.All, cancellationToken),
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

        var index = IndexTable(query.Tenant is null ? TableKeys.GlobalPartition : TableKeys.TenantPartition(query.Tenant));
        try
        {
            return await ListAsync(index, query, cancellationToken);
        }
        catch (RequestFailedException ex) when (IsTableNotFound(ex))
        {
            // A tenant's table is created by its first write: none yet means no tasks yet.
            return [];
        }
    }

    private async Task<IReadOnlyList<StoredTask>> ListAsync(TableClient index, TaskListQuery query, CancellationToken cancellationToken)
    {
        var filter = BuildFilter(query);
        string? continuation = null;
        if (query.Skip > 0)
        {
            // Keys only while skipping, so the skipped part of the range costs little bandwidth, and pages sized so
            // the last one ends exactly before the page: its continuation token is where the page starts, so the page
            // is the next query, not one more page of keys and a second range query (skip 5000: 6 queries, not 7).
            continuation = await ContinuationAfterSkipAsync(index, filter, query.Skip, cancellationToken);
            if (continuation is null)
            {
                return [];
            }
        }

        var results = new List<StoredTask>(Math.Min(query.Limit, PageSize));
        var batch = new List<(TableEntity Entry, StoredTask? Copy)>();
        var entries = index.QueryAsync<TableEntity>(filter, Math.Clamp(query.Limit, 1, PageSize), cancellationToken: cancellationToken)
            .AsPages(continuation, Math.Clamp(query.Limit, 1, PageSize))
            .SelectMany(page => page.Values.ToAsyncEnumerable());
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            batch.Add((entry, FromIndexCopy(entry, query)));
            if (batch.Count >= query.Limit - results.Count)
            {
                await AppendResolvedAsync(batch, query, results, cancellationToken);
                batch.Clear();
                if (results.Count >= query.Limit)
                {
                    break;
                }
            }
        }

        if (batch.Count > 0)
        {
            await AppendResolvedAsync(batch, query, results, cancellationToken);
        }

        return results;
    }

    internal static string BuildFilter(TaskListQuery query)
    {
        var partition = query.Tenant is null ? TableKeys.GlobalPartition : TableKeys.TenantPartition(query.Tenant);
        var clauses = new List<string> { TableClient.CreateQueryFilter($"PartitionKey eq {partition}") };
        if (query.Status is { } status)
        {
            // Held entities (in-flight tasks) keep the Status of the write that held them: every in-flight status filter
            // takes them, and the record read that resolves them decides.
            clauses.Add(status.IsTerminal()
                ? TableClient.CreateQueryFilter($"Status eq {status.ToString()}")
                : "(" + TableClient.CreateQueryFilter($"Status eq {status.ToString()} or Held eq {true}") + ")");
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

    /// <summary>
    /// The index entity a write lays down before its record write lands: pending, so lists verify it against the
    /// record. With no version given it names one no record has, as a crash before the record write leaves it.
    /// </summary>
    internal static TableEntity ToIndexEntity(StoredTask task, string partitionKey, string? version = null, bool pending = true, bool held = false)
    {
        var entity = new TableEntity(partitionKey, TableKeys.IndexRowKey(task.CreatedAt, task.Id))
        {
            [TaskIdProperty] = task.Id,
            [VersionProperty] = version ?? NewVersion(),
            [PendingProperty] = pending,
            [UpdatedTicksProperty] = task.UpdatedAt.UtcTicks,
        };
        AddIndexedColumns(entity, task);
        AddIfNotNull(entity, OriginTenantIdProperty, task.OriginTenantId);
        if (held)
        {
            // Never served as it is, so no copy: the record is written on without its entities until it settles.
            entity[HeldProperty] = true;
            return entity;
        }

        var bytes = Encoding.UTF8.GetBytes(task.Document);
        if (bytes.Length <= MaxIndexCopyBytes)
        {
            entity[DocCopyProperty] = bytes;
        }

        if (!pending && task.ETag != default)
        {
            entity[RecordETagProperty] = task.ETag.ToString();
        }

        return entity;
    }

    /// <summary>The index entity of a task whose record write has landed: what a create leaves once committed.</summary>
    internal static TableEntity ToCommittedIndexEntity(StoredTask task, string partitionKey) =>
        ToIndexEntity(task, partitionKey, NewVersion(), pending: false);

    private static string NewVersion() => Guid.NewGuid().ToString("N");

    /// <summary>Whether a write of <paramref name="task"/> holds its index entities pending (in flight: not terminal, not deleted).</summary>
    private static bool IsInFlight(StoredTask task) => !task.Status.IsTerminal() && !task.IsDeleted;

    /// <summary>The indexed columns a held entity must still match (all but Status and UpdatedAt), as one string.</summary>
    private static string HeldColumnsOf(StoredTask task) => string.Join(
        '\u001f',
        task.Tenant,
        task.TaskType.ToString(),
        task.CreatedAt.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture),
        task.IsDeleted ? "1" : "0",
        task.OriginInstance ?? "\u0000",
        task.OriginZone ?? "\u0000",
        task.OriginTenantId ?? "\u0000",
        task.WorkflowId ?? "\u0000");

    /// <summary>What the store now knows of the record <paramref name="task"/> was just written as.</summary>
    private static void Written(StoredTask task, string version, bool held, string? blobName)
    {
        task.DocumentBlobName = blobName;
        task.DocumentLocationKnown = true;
        task.IndexHeld = held;
        task.RecordVersion = version;
        task.HeldColumns = HeldColumnsOf(task);
    }

    private static string[] IndexPartitions(StoredTask task) => [TableKeys.TenantPartition(task.Tenant), TableKeys.GlobalPartition];

    /// <summary>The table holding the index entities of <paramref name="partitionKey"/> (a cheap client; no I/O).</summary>
    private TableClient IndexTable(string partitionKey) => _tables.GetTableClient(IndexTableNames.ForPartition(_indexPrefix, partitionKey));

    /// <summary>
    /// Upsert into the entity's index table, creating that table on its first write. If the table has gone since
    /// (a tenant purge drops it), the cached "created" is forgotten and the write retried once on a new table.
    /// </summary>
    private async Task<Response> UpsertIndexEntityAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        var table = IndexTable(entity.PartitionKey);
        await EnsureIndexTableAsync(table, cancellationToken);
        try
        {
            return await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (IsTableNotFound(ex))
        {
            ForgetIndexTable(table.Name);
            await EnsureIndexTableAsync(table, cancellationToken);
            return await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        }
    }

    // A missing entity or table answers 404 without throwing: there is nothing to delete either way.
    private Task<Response> DeleteIndexEntityAsync(string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken) =>
        IndexTable(partitionKey).DeleteEntityAsync(partitionKey, rowKey, ifMatch, cancellationToken);

    private async Task EnsureIndexTableAsync(TableClient table, CancellationToken cancellationToken)
    {
        // Not the caller's token: the creation is shared, and one caller giving up must not fail the others.
#pragma warning disable VSTHRD011 // no JoinableTaskFactory to deadlock on; a faulted creation is evicted below
        var ready = _indexTablesReady.GetOrAdd(table.Name, _ => new Lazy<Task>(() => CreateIndexTableAsync(table)));
#pragma warning restore VSTHRD011
        try
        {
            await ready.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (ready.Value.IsFaulted || ready.Value.IsCanceled)
        {
            _indexTablesReady.TryRemove(KeyValuePair.Create(table.Name, ready));
            throw;
        }
    }

    private async Task CreateIndexTableAsync(TableClient table)
    {
        // CreateIfNotExists treats a table created by a racing writer (409) as success.
        await table.CreateIfNotExistsAsync(CancellationToken.None);
        Log.IndexTableReady(_logger, table.Name);
    }

    private void ForgetIndexTable(string tableName) => _indexTablesReady.TryRemove(tableName, out _);

    private static bool IsTableNotFound(RequestFailedException ex) =>
        ex.Status == 404 && string.Equals(ex.ErrorCode, TableErrorCode.TableNotFound.ToString(), StringComparison.Ordinal);

    /// <summary>The task as the index entity's copy has it, or null when the entity must be checked against its record.</summary>
    private static StoredTask? FromIndexCopy(TableEntity entry, TaskListQuery query)
    {
        if (entry.GetBoolean(PendingProperty) is not false
            || entry.GetBinary(DocCopyProperty) is not { } copy
            || entry.GetString(TaskIdProperty) is not { } id
            || TableKeys.CreatedAtFromIndexRowKey(entry.RowKey) is not { } createdAt
            || !Enum.TryParse<TaskType>(entry.GetString(TaskTypeProperty), out var taskType)
            || !Enum.TryParse<TaskState>(entry.GetString(StatusProperty), out var status))
        {
            return null;
        }

        var task = new StoredTask
        {
            Id = id,
            Tenant = entry.GetString(TenantProperty) ?? string.Empty,
            TaskType = taskType,
            Status = status,
            CreatedAt = createdAt,
            UpdatedAt = new DateTimeOffset(entry.GetInt64(UpdatedTicksProperty) ?? createdAt.UtcTicks, TimeSpan.Zero),
            OriginInstance = entry.GetString(OriginInstanceProperty),
            OriginZone = entry.GetString(OriginZoneProperty),
            OriginTenantId = entry.GetString(OriginTenantIdProperty),
            WorkflowId = entry.GetString(WorkflowIdProperty),
            IsDeleted = entry.GetBoolean(IsDeletedProperty) ?? false,
            Document = Encoding.UTF8.GetString(copy),
            ETag = entry.GetString(RecordETagProperty) is { } etag ? new ETag(etag) : default,
        };

        // The server-side filter already matched these columns; a mismatch would mean the entity is not ours.
        return Matches(task, query) ? task : null;
    }

    /// <summary>
    /// The continuation token just past the first <paramref name="skip"/> matching entities (keys only, full pages, the
    /// last one no longer than what is left to skip); null when the range ends before that.
    /// </summary>
    private static async Task<string?> ContinuationAfterSkipAsync(TableClient index, string filter, int skip, CancellationToken cancellationToken)
    {
        var skipped = 0;
        string? continuation = null;
        while (skipped < skip)
        {
            // A page may come back short (the service's limits) with a token; only a missing token means the end.
            var want = Math.Min(PageSize, skip - skipped);
            var page = await index.QueryAsync<TableEntity>(filter, want, ["RowKey"], cancellationToken)
                .AsPages(continuation, want)
                .FirstAsync(cancellationToken);
            skipped += page.Values.Count;
            continuation = page.ContinuationToken;
            if (continuation is null)
            {
                return null;
            }
        }

        return continuation;
    }

    private async Task AppendResolvedAsync(List<(TableEntity Entry, StoredTask? Copy)> entries, TaskListQuery query, List<StoredTask> results, CancellationToken cancellationToken)
    {
        var tasks = new StoredTask?[entries.Count];
        var unresolved = Enumerable.Range(0, entries.Count).Where(i => entries[i].Copy is null).ToList();
        await Parallel.ForEachAsync(
            unresolved,
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelReads, CancellationToken = cancellationToken },
            async (i, ct) => tasks[i] = await ResolveIndexEntryAsync(entries[i].Entry, query, ct));

        for (var i = 0; i < entries.Count && results.Count < query.Limit; i++)
        {
            if ((entries[i].Copy ?? tasks[i]) is { } task)
            {
                results.Add(task);
            }
        }
    }

    private async Task<StoredTask?> ResolveIndexEntryAsync(TableEntity entry, TaskListQuery query, CancellationToken cancellationToken)
    {
        var id = entry.GetString(TaskIdProperty);
        var read = id is null ? null : await ReadRecordAsync(id, cancellationToken);
        if (read is not { } found)
        {
            await DeleteOrphanIfOldAsync(entry, id ?? string.Empty, cancellationToken);
            return null;
        }

        var (task, recordVersion) = found;

        if (!IsIndexEntryOf(entry, task))
        {
            // Left by a create that lost to an existing task with the same id.
            await DeleteOrphanIfOldAsync(entry, task.Id, cancellationToken);
            return null;
        }

        var pending = entry.GetBoolean(PendingProperty) is not false;
        if (task.IndexHeld)
        {
            // In flight: never cleared (the record is written without its entities until it settles), only repaired
            // when the entity is not the held one of the record's version (a write that failed or crashed midway).
            if (!pending || entry.GetBoolean(HeldProperty) is not true || entry.GetString(VersionProperty) != recordVersion)
            {
                await RepairIndexEntryAsync(entry, task, recordVersion, cancellationToken);
            }

            return Matches(task, query) ? task : null;
        }

        var copyFits = Encoding.UTF8.GetByteCount(task.Document) <= MaxIndexCopyBytes;
        var hasCopy = entry.GetBinary(DocCopyProperty) is not null;
        if (pending && entry.GetString(VersionProperty) == recordVersion && hasCopy == copyFits)
        {
            await ClearPendingAsync(entry, task, cancellationToken);
        }
        else if (pending || hasCopy != copyFits)
        {
            await RepairIndexEntryAsync(entry, task, recordVersion, cancellationToken);
        }

        return Matches(task, query) ? task : null;
    }

    private static bool IsIndexEntryOf(TableEntity entry, StoredTask task) =>
        entry.RowKey == TableKeys.IndexRowKey(task.CreatedAt, task.Id)
        && (entry.PartitionKey == TableKeys.GlobalPartition || entry.PartitionKey == TableKeys.TenantPartition(task.Tenant));

    // The index entities were upserted alongside a record insert that found the id taken: entities that share keys
    // with the existing task's get its values back (pending, so lists re-check them), the rest are removed.
    private async Task UndoDuplicateIndexAsync(StoredTask duplicate, CancellationToken cancellationToken)
    {
        var existing = await GetAsync(duplicate.Id, cancellationToken);
        var rowKey = TableKeys.IndexRowKey(duplicate.CreatedAt, duplicate.Id);
        await Task.WhenAll(IndexPartitions(duplicate).Select(partition =>
        {
            var probe = new TableEntity(partition, rowKey);
            return existing is not null && IsIndexEntryOf(probe, existing)
                ? UpsertIndexEntityAsync(ToIndexEntity(existing, partition), cancellationToken)
                : DeleteIndexEntityAsync(partition, rowKey, ETag.All, cancellationToken);
        }));
    }

    // A create whose record insert failed for another reason: its pending entities would only wait out the
    // orphan grace period; remove them now unless someone rewrote them meanwhile.
    private async Task DeleteOwnIndexEntitiesAsync(Task<Response>[] indexWrites, StoredTask task)
    {
        var rowKey = TableKeys.IndexRowKey(task.CreatedAt, task.Id);
        var partitions = IndexPartitions(task);
        await Task.WhenAll(indexWrites.Select((write, i) => write.IsCompletedSuccessfully
            ? CompensateAsync(async () => await DeleteIndexEntityAsync(partitions[i], rowKey, (await write).Headers.ETag ?? ETag.All, CancellationToken.None))
            : Task.CompletedTask));
    }

    // Round 3 of a write: the record now holds the version the entities name, so they may be served as they are.
    // Conditional on our own index writes' ETags: if anyone touched an entity since, it stays pending for a list
    // to settle. Best effort: a pending entity is only slower to list, never wrong.
    private async Task CommitIndexAsync(StoredTask task, Task<Response>[] indexWrites)
    {
        var rowKey = TableKeys.IndexRowKey(task.CreatedAt, task.Id);
        var partitions = IndexPartitions(task);
        await Task.WhenAll(indexWrites.Select(async (write, i) =>
        {
            try
            {
                var committed = new TableEntity(partitions[i], rowKey) { [PendingProperty] = false, [RecordETagProperty] = task.ETag.ToString() };
                await IndexTable(committed.PartitionKey).UpdateEntityAsync(committed, (await write).Headers.ETag ?? ETag.All, TableUpdateMode.Merge, CancellationToken.None);
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
                Log.IndexCommitSkipped(_logger, task.Id, partitions[i], ex.Status);
            }
            catch (Exception ex)
            {
                // The write itself has succeeded; failing it now would undo nothing and mislead the caller.
                Log.IndexCommitFailed(_logger, ex, task.Id, partitions[i]);
            }
        }));
    }

    private async Task ClearPendingAsync(TableEntity entry, StoredTask task, CancellationToken cancellationToken)
    {
        // Only after reading the record at the entity's version, and conditional on the ETag as listed: a writer
        // marks the entity before it writes the record, so any later record write has changed that ETag.
        try
        {
            var committed = new TableEntity(entry.PartitionKey, entry.RowKey) { [PendingProperty] = false, [RecordETagProperty] = task.ETag.ToString() };
            await IndexTable(committed.PartitionKey).UpdateEntityAsync(committed, entry.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            // A writer moved the entity on; it is that writer's to settle.
        }
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
            await DeleteIndexEntityAsync(entry.PartitionKey, entry.RowKey, entry.ETag, cancellationToken);
            Log.OrphanIndexDeleted(_logger, entry.PartitionKey, entry.RowKey, id);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            // Rewritten or removed since it was listed: nothing left to clean.
        }
    }

    private async Task RepairIndexEntryAsync(TableEntity entry, StoredTask task, string recordVersion, CancellationToken cancellationToken)
    {
        // The record moved on but its index entity did not follow (an update in flight, or a crash around the
        // record write). Rewritten from the record but still pending: this read may already be older than a
        // record write in flight, so only a later list that reads the record at this version may clear it.
        // Conditional on the listed ETag, so an in-flight update's own index write always wins over this repair.
        try
        {
            await IndexTable(entry.PartitionKey).UpdateEntityAsync(ToIndexEntity(task, entry.PartitionKey, recordVersion, pending: true, task.IndexHeld), entry.ETag, TableUpdateMode.Replace, cancellationToken);
            Log.StaleIndexRepaired(_logger, task.Id);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            // A newer write already moved the entity on.
        }
    }

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

    private async Task CompensateAsync(Func<Task> undo)
    {
        try
        {
            await undo();
        }
        catch (RequestFailedException ex)
        {
            // What is left is an orphan that lists skip and clean up after the grace period.
            Log.CompensationFailed(_logger, ex);
        }
    }

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

    internal Task<(TableEntity Record, string? BlobName)> ToRecordEntityAsync(StoredTask task, CancellationToken cancellationToken) =>
        ToRecordEntityAsync(task, NewVersion(), held: false, cancellationToken);

    private async Task<(TableEntity Record, string? BlobName)> ToRecordEntityAsync(StoredTask task, string version, bool held, CancellationToken cancellationToken)
    {
        var record = new TableEntity(TableKeys.Encode(task.Id), RecordRowKey)
        {
            [TaskIdProperty] = task.Id,
            [VersionProperty] = version,
            // Ticks keep full precision: the index RowKey is derived from CreatedAt and must be recomputable.
            [CreatedTicksProperty] = task.CreatedAt.UtcTicks,
            [UpdatedAtProperty] = task.UpdatedAt.ToUniversalTime(),
            [UpdatedTicksProperty] = task.UpdatedAt.UtcTicks,
        };
        AddIndexedColumns(record, task);
        AddIfNotNull(record, OriginTenantIdProperty, task.OriginTenantId);
        if (held)
        {
            record[IndexHeldProperty] = true;
        }

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

    /// <summary>The record and the version its last write stamped ("" for records written before versions).</summary>
    private async Task<(StoredTask Task, string Version)?> ReadRecordAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var response = await _records.GetEntityIfExistsAsync<TableEntity>(TableKeys.Encode(id), RecordRowKey, cancellationToken: cancellationToken);
        if (!response.HasValue || response.Value is not { } entity)
        {
            return null;
        }

        return (await FromRecordEntityAsync(entity, cancellationToken), entity.GetString(VersionProperty) ?? string.Empty);
    }

    private async Task<StoredTask> FromRecordEntityAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        var task = new StoredTask
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
            DocumentBlobName = entity.GetString(DocBlobProperty),
            DocumentLocationKnown = true,
            IndexHeld = entity.GetBoolean(IndexHeldProperty) ?? false,
            RecordVersion = entity.GetString(VersionProperty),
        };
        task.HeldColumns = HeldColumnsOf(task);
        return task;
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
            await buffer.WriteAsync(part, cancellationToken);
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
