using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Storage;

/// <summary>
/// The write-ahead index protocol: how the two index entities of a task (its tenant's partition and the global "all",
/// each a copy of the record's columns and, when it fits, of its document) stay exact without a transaction across
/// the record table and the index tables.
/// </summary>
/// <remarks>
/// <para>Every write stamps a fresh <c>Version</c> on the record and marks the index entities <c>Pending</c> with that
/// version before the record changes (the one exception, record-only writes of in-flight tasks, keeps the version). A list serves a committed (non-pending) copy as it is; a pending one it checks
/// against the record.</para>
/// <code>
///  a write of a task whose record is at version v1   index entities (tenant, all)   record
///  ─────────────────────────────────────────────────  ─────────────────────────────  ─────────────────
///  round 1  upsert both entities Pending, Version v2   pending v2 (+ document copy)   v1
///  round 2  replace the record, If-Match its ETag      pending v2                     v2
///  round 3  merge Pending=false (+ RecordETag),        committed v2 = record          v2
///           If-Match the ETags of our round-1 writes
///
///  create: rounds 1 and 2 in parallel (record inserted if absent, entities upserted)
///  delete: entities re-marked pending with a fresh version → record deleted → entities deleted
///
///  in flight (neither terminal nor deleted): the entities are held
///  create or full write     rounds 1 and 2, no round 3  pending v2, Held, no copy      v2, IndexHeld
///  write changing no        round 2 alone, same v2,     (unchanged)                    v2, IndexHeld,
///  filtered column but      If-Match the record's ETag                                 new ETag
///  Status (PENDING → RUNNING, journal, progress, provider job)
///  settling write (terminal or deleted): rounds 1-3 as above, exact copies committed
/// </code>
/// <para>What a list then finds (resolved in <see cref="ReconcileListedAsync"/> after one record point read):</para>
/// <list type="table">
/// <listheader><term>crash or failure point</term><description>what a list does</description></listheader>
/// <item><term>before round 1</term><description>the committed copy still equals the record: served as it is.</description></item>
/// <item><term>after round 1, before round 2 lands (crash, lost ETag race)</term><description>pending, version differs
/// from the record's: served from the record and the entity rewritten from it, still pending (this read may be older
/// than a record write in flight); a later list clears it.</description></item>
/// <item><term>after round 2, before round 3</term><description>pending with the record's version: served from the
/// record and the marker cleared, conditional on the ETag as listed (a writer that marked it since wins).</description></item>
/// <item><term>create: entities written, record not (crash, failure)</term><description>no record: skipped, and deleted
/// once older than <see cref="OrphanGracePeriod"/> by the injected clock (a younger one may be a create in flight).</description></item>
/// <item><term>create that lost to an existing id</term><description>undone at once; any left-over entity whose keys do not
/// match the record is treated as an orphan.</description></item>
/// <item><term>delete, any point</term><description>pending without a record: an orphan, deleted when old.</description></item>
/// <item><term>held (in flight)</term><description>never cleared; the record read decides whether it matches; repaired
/// (rewritten held at the record's version) when it is not the held entity of the record's version.</description></item>
/// </list>
/// <para>A non-pending entity therefore always equals its record, whatever crashed where; a crash at worst costs
/// point reads until a list repairs the entity.</para>
/// </remarks>
internal sealed class TaskIndexProtocol(TenantIndexTables tables, TimeProvider time, ILogger logger)
{
    // Index copies live in one binary property: larger documents are listed through a point read of the record,
    // which keeps index entities (and the pages a list transfers) small.
    public const int MaxIndexCopyBytes = TaskRecordCodec.DocumentPartBytes;

    // A create writes its index entities alongside its record; younger orphans may be that window.
    public static readonly TimeSpan OrphanGracePeriod = TimeSpan.FromMinutes(5);

    public static string NewVersion() => Guid.NewGuid().ToString("N");

    /// <summary>Whether a write of <paramref name="task"/> holds its index entities pending (in flight: not terminal, not deleted).</summary>
    public static bool IsInFlight(StoredTask task) => !task.Status.IsTerminal() && !task.IsDeleted;

    /// <summary>
    /// Whether an update of <paramref name="task"/> may write the record alone under its current version: still in
    /// flight, entities held since the read this update is conditional on, and no column they are filtered by changed
    /// (Status aside: held entities match every in-flight status).
    /// </summary>
    public static bool IsRecordOnly(StoredTask task, bool held) =>
        held && task.IndexHeld && task.RecordVersion is not null && task.HeldColumns == TaskColumns.HeldColumnsOf(task);

    /// <summary>What the store now knows of the record <paramref name="task"/> was just written as.</summary>
    public static void Written(StoredTask task, string version, bool held, string? blobName)
    {
        task.DocumentBlobName = blobName;
        task.DocumentLocationKnown = true;
        task.IndexHeld = held;
        task.RecordVersion = version;
        task.HeldColumns = TaskColumns.HeldColumnsOf(task);
    }

    /// <summary>
    /// The index entity a write lays down before its record write lands: pending, so lists verify it against the
    /// record. With no version given it names one no record has, as a crash before the record write leaves it.
    /// </summary>
    public static TableEntity ToIndexEntity(StoredTask task, string partitionKey, string? version = null, bool pending = true, bool held = false)
    {
        var entity = new TableEntity(partitionKey, TableKeys.IndexRowKey(task.CreatedAt, task.Id))
        {
            [TaskColumns.TaskId] = task.Id,
            [TaskColumns.Version] = version ?? NewVersion(),
            [TaskColumns.Pending] = pending,
            [TaskColumns.UpdatedTicks] = task.UpdatedAt.UtcTicks,
        };
        TaskColumns.AddIndexed(entity, task);
        TaskColumns.AddIfNotNull(entity, TaskColumns.OriginTenantId, task.OriginTenantId);
        if (held)
        {
            // Never served as it is, so no copy: the record is written on without its entities until it settles.
            entity[TaskColumns.Held] = true;
            return entity;
        }

        var bytes = Encoding.UTF8.GetBytes(task.Document);
        if (bytes.Length <= MaxIndexCopyBytes)
        {
            entity[TaskColumns.DocCopy] = bytes;
        }

        if (!pending && task.ETag != default)
        {
            entity[TaskColumns.RecordETag] = task.ETag.ToString();
        }

        return entity;
    }

    /// <summary>The index entity of a task whose record write has landed: what a create leaves once committed.</summary>
    public static TableEntity ToCommittedIndexEntity(StoredTask task, string partitionKey) =>
        ToIndexEntity(task, partitionKey, NewVersion(), pending: false);

    /// <summary>Round 1: upserts the task's entities pending at <paramref name="version"/> (held ones when <paramref name="held"/>), tenant's first.</summary>
    public Task<Response>[] MarkPending(StoredTask task, string version, bool held, CancellationToken cancellationToken) =>
        TenantIndexTables.PartitionsOf(task)
            .Select(partition => tables.UpsertAsync(ToIndexEntity(task, partition, version, pending: true, held), cancellationToken))
            .ToArray();

    // Round 3 of a write: the record now holds the version the entities name, so they may be served as they are.
    // Conditional on our own index writes' ETags: if anyone touched an entity since, it stays pending for a list
    // to settle. Best effort: a pending entity is only slower to list, never wrong.
    public async Task CommitAsync(StoredTask task, Task<Response>[] indexWrites)
    {
        var rowKey = TableKeys.IndexRowKey(task.CreatedAt, task.Id);
        var partitions = TenantIndexTables.PartitionsOf(task);
        await Task.WhenAll(indexWrites.Select(async (write, i) =>
        {
            try
            {
                var committed = new TableEntity(partitions[i], rowKey) { [TaskColumns.Pending] = false, [TaskColumns.RecordETag] = task.ETag.ToString() };
                await tables.Table(committed.PartitionKey).UpdateEntityAsync(committed, (await write).Headers.ETag ?? ETag.All, TableUpdateMode.Merge, CancellationToken.None);
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
                Log.IndexCommitSkipped(logger, task.Id, partitions[i], ex.Status);
            }
            catch (Exception ex)
            {
                // The write itself has succeeded; failing it now would undo nothing and mislead the caller.
                Log.IndexCommitFailed(logger, ex, task.Id, partitions[i]);
            }
        }));
    }

    /// <summary>
    /// First step of a delete: a new pending version on the entities, so a list racing the delete can never clear the
    /// marker from a record read just before the record goes; a crash afterwards leaves pending orphans.
    /// </summary>
    public async Task MarkDeletingAsync(StoredTask task, CancellationToken cancellationToken)
    {
        var rowKey = TableKeys.IndexRowKey(task.CreatedAt, task.Id);
        var marker = NewVersion();
        await Task.WhenAll(TenantIndexTables.PartitionsOf(task).Select(async partition =>
        {
            try
            {
                await tables.Table(partition).UpdateEntityAsync(
                    new TableEntity(partition, rowKey) { [TaskColumns.Pending] = true, [TaskColumns.Version] = marker },
                    ETag.All,
                    TableUpdateMode.Merge,
                    cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Already gone, or the tenant's table never existed.
            }
        }));
    }

    /// <summary>Last step of a delete: both entities removed, unconditionally (tenant's first).</summary>
    public Task DeleteEntitiesAsync(StoredTask task, CancellationToken cancellationToken)
    {
        var rowKey = TableKeys.IndexRowKey(task.CreatedAt, task.Id);
        return Task.WhenAll(
            tables.DeleteEntityAsync(TableKeys.TenantPartition(task.Tenant), rowKey, ETag.All, cancellationToken),
            tables.DeleteEntityAsync(TableKeys.GlobalPartition, rowKey, ETag.All, cancellationToken));
    }

    /// <summary>Runs the undo step of a failed write; if it fails too, what is left is an orphan that lists clean up.</summary>
    public async Task CompensateAsync(Func<Task> undo)
    {
        try
        {
            await undo();
        }
        catch (RequestFailedException ex)
        {
            // What is left is an orphan that lists skip and clean up after the grace period.
            Log.CompensationFailed(logger, ex);
        }
    }

    // A create whose record insert failed for another reason: its pending entities would only wait out the
    // orphan grace period; remove them now unless someone rewrote them meanwhile.
    public async Task DeleteOwnEntitiesAsync(Task<Response>[] indexWrites, StoredTask task)
    {
        var rowKey = TableKeys.IndexRowKey(task.CreatedAt, task.Id);
        var partitions = TenantIndexTables.PartitionsOf(task);
        await Task.WhenAll(indexWrites.Select((write, i) => write.IsCompletedSuccessfully
            ? CompensateAsync(async () => await tables.DeleteEntityAsync(partitions[i], rowKey, (await write).Headers.ETag ?? ETag.All, CancellationToken.None))
            : Task.CompletedTask));
    }

    // The index entities were upserted alongside a record insert that found the id taken: entities that share keys
    // with the existing task (as just read) get its values back (pending, so lists re-check them), the rest are removed.
    public async Task UndoDuplicateAsync(StoredTask duplicate, StoredTask? existing, CancellationToken cancellationToken)
    {
        var rowKey = TableKeys.IndexRowKey(duplicate.CreatedAt, duplicate.Id);
        await Task.WhenAll(TenantIndexTables.PartitionsOf(duplicate).Select(partition =>
        {
            var probe = new TableEntity(partition, rowKey);
            return existing is not null && IsIndexEntryOf(probe, existing)
                ? tables.UpsertAsync(ToIndexEntity(existing, partition), cancellationToken)
                : tables.DeleteEntityAsync(partition, rowKey, ETag.All, cancellationToken);
        }));
    }

    /// <summary>
    /// Settles an index entity a list could not serve from its copy, given its record as just read (null when missing):
    /// orphans are deleted once old, a pending entity at the record's version is cleared, any other stale one rewritten
    /// from the record; held entities of in-flight tasks are never cleared. True when the record is the entity's task,
    /// i.e. the list serves the record (if it matches the query).
    /// </summary>
    public async Task<bool> ReconcileListedAsync(TableEntity entry, string? id, (StoredTask Task, string Version)? record, CancellationToken cancellationToken)
    {
        if (record is not { } found)
        {
            await DeleteOrphanIfOldAsync(entry, id ?? string.Empty, cancellationToken);
            return false;
        }

        var (task, recordVersion) = found;

        if (!IsIndexEntryOf(entry, task))
        {
            // Left by a create that lost to an existing task with the same id.
            await DeleteOrphanIfOldAsync(entry, task.Id, cancellationToken);
            return false;
        }

        var pending = entry.GetBoolean(TaskColumns.Pending) is not false;
        if (task.IndexHeld)
        {
            // In flight: never cleared (the record is written without its entities until it settles), only repaired
            // when the entity is not the held one of the record's version (a write that failed or crashed midway).
            if (!pending || entry.GetBoolean(TaskColumns.Held) is not true || entry.GetString(TaskColumns.Version) != recordVersion)
            {
                await RepairAsync(entry, task, recordVersion, cancellationToken);
            }

            return true;
        }

        var copyFits = Encoding.UTF8.GetByteCount(task.Document) <= MaxIndexCopyBytes;
        var hasCopy = entry.GetBinary(TaskColumns.DocCopy) is not null;
        if (pending && entry.GetString(TaskColumns.Version) == recordVersion && hasCopy == copyFits)
        {
            await ClearPendingAsync(entry, task, cancellationToken);
        }
        else if (pending || hasCopy != copyFits)
        {
            await RepairAsync(entry, task, recordVersion, cancellationToken);
        }

        return true;
    }

    private static bool IsIndexEntryOf(TableEntity entry, StoredTask task) =>
        entry.RowKey == TableKeys.IndexRowKey(task.CreatedAt, task.Id)
        && (entry.PartitionKey == TableKeys.GlobalPartition || entry.PartitionKey == TableKeys.TenantPartition(task.Tenant));

    private async Task ClearPendingAsync(TableEntity entry, StoredTask task, CancellationToken cancellationToken)
    {
        // Only after reading the record at the entity's version, and conditional on the ETag as listed: a writer
        // marks the entity before it writes the record, so any later record write has changed that ETag.
        try
        {
            var committed = new TableEntity(entry.PartitionKey, entry.RowKey) { [TaskColumns.Pending] = false, [TaskColumns.RecordETag] = task.ETag.ToString() };
            await tables.Table(committed.PartitionKey).UpdateEntityAsync(committed, entry.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            // A writer moved the entity on; it is that writer's to settle.
        }
    }

    private async Task DeleteOrphanIfOldAsync(TableEntity entry, string id, CancellationToken cancellationToken)
    {
        var createdAt = TableKeys.CreatedAtFromIndexRowKey(entry.RowKey);
        if (createdAt is null || time.GetUtcNow() - createdAt.Value < OrphanGracePeriod)
        {
            return;
        }

        try
        {
            // Conditional on the ETag as listed: a create retried meanwhile rewrites the entity and keeps it.
            await tables.DeleteEntityAsync(entry.PartitionKey, entry.RowKey, entry.ETag, cancellationToken);
            Log.OrphanIndexDeleted(logger, entry.PartitionKey, entry.RowKey, id);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            // Rewritten or removed since it was listed: nothing left to clean.
        }
    }

    private async Task RepairAsync(TableEntity entry, StoredTask task, string recordVersion, CancellationToken cancellationToken)
    {
        // The record moved on but its index entity did not follow (an update in flight, or a crash around the
        // record write). Rewritten from the record but still pending: this read may already be older than a
        // record write in flight, so only a later list that reads the record at this version may clear it.
        // Conditional on the listed ETag, so an in-flight update's own index write always wins over this repair.
        try
        {
            await tables.Table(entry.PartitionKey).UpdateEntityAsync(ToIndexEntity(task, entry.PartitionKey, recordVersion, pending: true, task.IndexHeld), entry.ETag, TableUpdateMode.Replace, cancellationToken);
            Log.StaleIndexRepaired(logger, task.Id);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            // A newer write already moved the entity on.
        }
    }
}
