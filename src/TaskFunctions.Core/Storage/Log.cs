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

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Index entity of task {TaskId} in {PartitionKey} left pending: it changed since (status {Status}); a list will settle it")]
    public static partial void IndexCommitSkipped(ILogger logger, string taskId, string partitionKey, int status);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Could not commit the index entity of task {TaskId} in {PartitionKey}; a list will settle it")]
    public static partial void IndexCommitFailed(ILogger logger, Exception exception, string taskId, string partitionKey);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Debug, Message = "Index table {TableName} exists (created now or before)")]
    public static partial void IndexTableReady(ILogger logger, string tableName);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Could not undo part of a failed create; lists clean up the orphan")]
    public static partial void CompensationFailed(ILogger logger, Exception exception);
}
