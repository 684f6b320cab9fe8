using Microsoft.Extensions.Logging;

namespace TaskFunctions.Core.Storage;

/// <summary>Source-generated log messages of the storage layer.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Deleted orphan index entity {PartitionKey}/{RowKey} of task {TaskId}: its record is missing")]
    public static partial void OrphanIndexDeleted(ILogger logger, string partitionKey, string rowKey, string taskId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Repaired stale index entities of task {TaskId}")]
    public static partial void StaleIndexRepaired(ILogger logger, string taskId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Could not delete superseded document blob {BlobName}")]
    public static partial void DocumentBlobCleanupFailed(ILogger logger, string blobName, Exception exception);
}
