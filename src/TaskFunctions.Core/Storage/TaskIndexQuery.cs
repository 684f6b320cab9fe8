using System.Text;
using Azure;
using Azure.Data.Tables;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Storage;

/// <summary>
/// A list: one newest-first range query over the partition of the tenant (or the global one) with every filter as a
/// server-side <c>$filter</c>, a keys-only walk for <see cref="TaskListQuery.Skip"/> (Table Storage has no $skip and
/// pages at 1000), committed copies served as they are and every other entity resolved against its record through
/// <see cref="TaskIndexProtocol.ReconcileListedAsync"/>.
/// </summary>
internal sealed class TaskIndexQuery(TenantIndexTables tables, TaskRecordCodec records, TaskIndexProtocol protocol)
{
    private const int PageSize = 1000;
    private const int MaxParallelReads = 16;

    /// <summary>Newest-first page of tasks matching <paramref name="query"/>; empty when the partition's table does not exist yet.</summary>
    public async Task<IReadOnlyList<StoredTask>> ListAsync(TaskListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit <= 0)
        {
            return [];
        }

        var index = tables.Table(TenantIndexTables.PartitionOf(query));
        try
        {
            return await ListAsync(index, query, cancellationToken);
        }
        catch (RequestFailedException ex) when (TenantIndexTables.IsTableNotFound(ex))
        {
            // A tenant's table is created by its first write: none yet means no tasks yet.
            return [];
        }
    }

    public static string BuildFilter(TaskListQuery query)
    {
        var partition = TenantIndexTables.PartitionOf(query);
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

    public static bool Matches(StoredTask task, TaskListQuery query) =>
        (query.Tenant is null || query.Tenant == task.Tenant)
        && (query.Status is null || query.Status == task.Status)
        && (query.TaskType is null || query.TaskType == task.TaskType)
        && (query.OriginInstance is null || query.OriginInstance == task.OriginInstance)
        && (query.OriginZone is null || query.OriginZone == task.OriginZone)
        && (query.WorkflowId is null || query.WorkflowId == task.WorkflowId)
        && (query.IncludeDeleted || !task.IsDeleted);

    /// <summary>The task as the index entity's copy has it, or null when the entity must be checked against its record.</summary>
    private static StoredTask? FromIndexCopy(TableEntity entry, TaskListQuery query)
    {
        if (entry.GetBoolean(TaskColumns.Pending) is not false
            || entry.GetBinary(TaskColumns.DocCopy) is not { } copy
            || entry.GetString(TaskColumns.TaskId) is not { } id
            || TableKeys.CreatedAtFromIndexRowKey(entry.RowKey) is not { } createdAt
            || !Enum.TryParse<TaskType>(entry.GetString(TaskColumns.TaskType), out var taskType)
            || !Enum.TryParse<TaskState>(entry.GetString(TaskColumns.Status), out var status))
        {
            return null;
        }

        var task = new StoredTask
        {
            Id = id,
            Tenant = entry.GetString(TaskColumns.Tenant) ?? string.Empty,
            TaskType = taskType,
            Status = status,
            CreatedAt = createdAt,
            UpdatedAt = new DateTimeOffset(entry.GetInt64(TaskColumns.UpdatedTicks) ?? createdAt.UtcTicks, TimeSpan.Zero),
            OriginInstance = entry.GetString(TaskColumns.OriginInstance),
            OriginZone = entry.GetString(TaskColumns.OriginZone),
            OriginTenantId = entry.GetString(TaskColumns.OriginTenantId),
            WorkflowId = entry.GetString(TaskColumns.WorkflowId),
            IsDeleted = entry.GetBoolean(TaskColumns.IsDeleted) ?? false,
            Document = Encoding.UTF8.GetString(copy),
            ETag = entry.GetString(TaskColumns.RecordETag) is { } etag ? new ETag(etag) : default,
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

    // One record point read, then the protocol settles the entity; the record, not the entity, is what is served.
    private async Task<StoredTask?> ResolveIndexEntryAsync(TableEntity entry, TaskListQuery query, CancellationToken cancellationToken)
    {
        var id = entry.GetString(TaskColumns.TaskId);
        var record = id is null ? null : await records.ReadAsync(id, cancellationToken);
        if (!await protocol.ReconcileListedAsync(entry, id, record, cancellationToken) || record is not { Task: var task })
        {
            return null;
        }

        return Matches(task, query) ? task : null;
    }
}
