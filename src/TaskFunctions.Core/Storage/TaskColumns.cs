using System.Globalization;
using Azure.Data.Tables;

namespace TaskFunctions.Core.Storage;

/// <summary>
/// Property names of the record and index entities (<see cref="TaskRecordCodec"/>, <see cref="TaskIndexProtocol"/>,
/// <see cref="TaskIndexQuery"/>) and the indexed columns both kinds of entity carry.
/// </summary>
internal static class TaskColumns
{
    public const string TaskId = "TaskId";
    public const string Tenant = "Tenant";
    public const string TaskType = "TaskType";
    public const string Status = "Status";
    public const string CreatedAt = "CreatedAt";
    public const string CreatedTicks = "CreatedTicks";
    public const string UpdatedAt = "UpdatedAt";
    public const string UpdatedTicks = "UpdatedTicks";
    public const string OriginInstance = "OriginInstance";
    public const string OriginZone = "OriginZone";
    public const string OriginTenantId = "OriginTenantId";
    public const string WorkflowId = "WorkflowId";
    public const string IsDeleted = "IsDeleted";
    public const string DocParts = "DocParts";
    public const string DocBlob = "DocBlob";
    public const string DocPartPrefix = "Doc";
    public const string Version = "Version";
    public const string Pending = "Pending";
    public const string DocCopy = "DocCopy";
    public const string RecordETag = "RecordETag";
    public const string IndexHeld = "IndexHeld";
    public const string Held = "Held";

    /// <summary>The columns list queries filter on, as record and index entities both carry them.</summary>
    public static void AddIndexed(TableEntity entity, StoredTask task)
    {
        entity[Tenant] = task.Tenant;
        entity[TaskType] = task.TaskType.ToString();
        entity[Status] = task.Status.ToString();
        entity[CreatedAt] = task.CreatedAt.ToUniversalTime();
        entity[IsDeleted] = task.IsDeleted;
        AddIfNotNull(entity, OriginInstance, task.OriginInstance);
        AddIfNotNull(entity, OriginZone, task.OriginZone);
        AddIfNotNull(entity, WorkflowId, task.WorkflowId);
    }

    public static void AddIfNotNull(TableEntity entity, string name, string? value)
    {
        if (value is not null)
        {
            entity[name] = value;
        }
    }

    /// <summary>The indexed columns a held entity must still match (all but Status and UpdatedAt), as one string.</summary>
    public static string HeldColumnsOf(StoredTask task) => string.Join(
        '\u001f',
        task.Tenant,
        task.TaskType.ToString(),
        task.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
        task.IsDeleted ? "1" : "0",
        task.OriginInstance ?? "\u0000",
        task.OriginZone ?? "\u0000",
        task.OriginTenantId ?? "\u0000",
        task.WorkflowId ?? "\u0000");
}
