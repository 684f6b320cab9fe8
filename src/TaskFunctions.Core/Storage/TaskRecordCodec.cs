using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Storage;

/// <summary>
/// The record entity of a task (table <c>Storage:TasksTable</c>, PartitionKey = encoded task id, RowKey "r") ⇄
/// <see cref="StoredTask"/>, and the task's document: inline as UTF-8 split over binary properties Doc0..DocN (64 KiB
/// each), or, over ~900 KB (the entity limit is 1 MiB), in container <see cref="TableTaskStore.DocumentContainer"/>
/// under <c>{encoded id}/{fresh name}</c> with the record keeping the blob name. A new name per write means a
/// conditional update that loses its race never clobbers the winner's blob.
/// </summary>
internal sealed class TaskRecordCodec(TableClient records, BlobContainerClient documents, ILogger logger)
{
    public const string RecordRowKey = "r";

    // The entity limit is 1 MiB including keys and the indexed columns; keep well clear of it.
    public const int MaxInlineDocumentBytes = 900_000;

    // Binary properties are capped at 64 KiB.
    public const int DocumentPartBytes = 64 * 1024;

    /// <summary>The record table.</summary>
    public TableClient Records => records;

    /// <summary>The container of documents too large for an entity.</summary>
    public BlobContainerClient Documents => documents;

    /// <summary>
    /// The record entity of <paramref name="task"/> stamped with <paramref name="version"/> (and <c>IndexHeld</c> when
    /// <paramref name="held"/>); uploads the document blob first when the document does not fit the entity.
    /// </summary>
    public async Task<(TableEntity Record, string? BlobName)> ToRecordEntityAsync(StoredTask task, string version, bool held, CancellationToken cancellationToken)
    {
        var record = new TableEntity(TableKeys.Encode(task.Id), RecordRowKey)
        {
            [TaskColumns.TaskId] = task.Id,
            [TaskColumns.Version] = version,
            // Ticks keep full precision: the index RowKey is derived from CreatedAt and must be recomputable.
            [TaskColumns.CreatedTicks] = task.CreatedAt.UtcTicks,
            [TaskColumns.UpdatedAt] = task.UpdatedAt.ToUniversalTime(),
            [TaskColumns.UpdatedTicks] = task.UpdatedAt.UtcTicks,
        };
        TaskColumns.AddIndexed(record, task);
        TaskColumns.AddIfNotNull(record, TaskColumns.OriginTenantId, task.OriginTenantId);
        if (held)
        {
            record[TaskColumns.IndexHeld] = true;
        }

        var bytes = Encoding.UTF8.GetBytes(task.Document);
        if (bytes.Length > MaxInlineDocumentBytes)
        {
            var blobName = $"{TableKeys.Encode(task.Id)}/{Guid.NewGuid():N}";
            await documents.GetBlobClient(blobName).UploadAsync(new BinaryData(bytes), overwrite: true, cancellationToken);
            record[TaskColumns.DocBlob] = blobName;
            return (record, blobName);
        }

        var parts = (bytes.Length + DocumentPartBytes - 1) / DocumentPartBytes;
        record[TaskColumns.DocParts] = parts;
        for (var i = 0; i < parts; i++)
        {
            var offset = i * DocumentPartBytes;
            record[TaskColumns.DocPartPrefix + i.ToString(CultureInfo.InvariantCulture)] =
                bytes.AsSpan(offset, Math.Min(DocumentPartBytes, bytes.Length - offset)).ToArray();
        }

        return (record, null);
    }

    /// <summary>The record and the version its last write stamped ("" for records written before versions).</summary>
    public async Task<(StoredTask Task, string Version)?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var response = await records.GetEntityIfExistsAsync<TableEntity>(TableKeys.Encode(id), RecordRowKey, cancellationToken: cancellationToken);
        if (!response.HasValue || response.Value is not { } entity)
        {
            return null;
        }

        return (await FromRecordEntityAsync(entity, cancellationToken), entity.GetString(TaskColumns.Version) ?? string.Empty);
    }

    /// <summary>The record's document blob name, if any, by a <c>$select</c> point read.</summary>
    public async Task<string?> GetDocumentBlobNameAsync(string id, CancellationToken cancellationToken)
    {
        var response = await records.GetEntityIfExistsAsync<TableEntity>(
            TableKeys.Encode(id), RecordRowKey, [TaskColumns.DocBlob], cancellationToken);
        return response.HasValue ? response.Value?.GetString(TaskColumns.DocBlob) : null;
    }

    /// <summary>Best-effort removal of one document blob (a superseded or never-recorded one); not cancellable.</summary>
    public async Task DeleteDocumentBlobAsync(string? blobName)
    {
        if (blobName is null)
        {
            return;
        }

        try
        {
            // Not cancellable: the cleanup belongs to a write that is already decided.
            await documents.GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
        }
        catch (RequestFailedException ex)
        {
            Log.DocumentBlobCleanupFailed(logger, blobName, ex);
        }
    }

    /// <summary>Removes every document blob of task <paramref name="id"/>.</summary>
    public async Task DeleteDocumentBlobsAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var blob in documents.GetBlobsAsync(BlobTraits.None, BlobStates.None, TableKeys.Encode(id) + "/", cancellationToken))
            {
                await documents.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No document container yet means no document blobs.
        }
    }

    private async Task<StoredTask> FromRecordEntityAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        var task = new StoredTask
        {
            Id = entity.GetString(TaskColumns.TaskId),
            Tenant = entity.GetString(TaskColumns.Tenant) ?? string.Empty,
            TaskType = Enum.Parse<TaskType>(entity.GetString(TaskColumns.TaskType)),
            Status = Enum.Parse<TaskState>(entity.GetString(TaskColumns.Status)),
            CreatedAt = new DateTimeOffset(entity.GetInt64(TaskColumns.CreatedTicks) ?? 0, TimeSpan.Zero),
            UpdatedAt = new DateTimeOffset(entity.GetInt64(TaskColumns.UpdatedTicks) ?? 0, TimeSpan.Zero),
            OriginInstance = entity.GetString(TaskColumns.OriginInstance),
            OriginZone = entity.GetString(TaskColumns.OriginZone),
            OriginTenantId = entity.GetString(TaskColumns.OriginTenantId),
            WorkflowId = entity.GetString(TaskColumns.WorkflowId),
            IsDeleted = entity.GetBoolean(TaskColumns.IsDeleted) ?? false,
            Document = await ReadDocumentAsync(entity, cancellationToken),
            ETag = entity.ETag,
            DocumentBlobName = entity.GetString(TaskColumns.DocBlob),
            DocumentLocationKnown = true,
            IndexHeld = entity.GetBoolean(TaskColumns.IndexHeld) ?? false,
            RecordVersion = entity.GetString(TaskColumns.Version),
        };
        task.HeldColumns = TaskColumns.HeldColumnsOf(task);
        return task;
    }

    private async Task<string> ReadDocumentAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        if (entity.GetString(TaskColumns.DocBlob) is { } blobName)
        {
            var content = await documents.GetBlobClient(blobName).DownloadContentAsync(cancellationToken);
            return Encoding.UTF8.GetString(content.Value.Content);
        }

        var parts = entity.GetInt32(TaskColumns.DocParts) ?? 0;
        using var buffer = new MemoryStream();
        for (var i = 0; i < parts; i++)
        {
            var part = entity.GetBinary(TaskColumns.DocPartPrefix + i.ToString(CultureInfo.InvariantCulture))
                ?? throw new InvalidDataException($"Task {entity.GetString(TaskColumns.TaskId)} lacks document part {i}.");
            await buffer.WriteAsync(part, cancellationToken);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
