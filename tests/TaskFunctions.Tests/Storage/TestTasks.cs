using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Storage;

/// <summary>Builds <see cref="StoredTask"/> values with unique ids for store tests.</summary>
internal static class TestTasks
{
    // A fixed, recent base keeps creation order explicit and clear of the orphan grace period arithmetic.
    public static readonly DateTimeOffset BaseTime = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static string NewTenant() => "tenant-" + Guid.NewGuid().ToString("N");

    public static StoredTask Create(
        string tenant,
        DateTimeOffset? createdAt = null,
        TaskType taskType = TaskType.GENERATION,
        TaskState status = TaskState.PENDING,
        string? originInstance = null,
        string? originZone = null,
        string? workflowId = null,
        bool isDeleted = false,
        string? document = null)
    {
        var id = Guid.NewGuid().ToString();
        var created = createdAt ?? BaseTime;
        return new StoredTask
        {
            Id = id,
            Tenant = tenant,
            TaskType = taskType,
            Status = status,
            CreatedAt = created,
            UpdatedAt = created,
            OriginInstance = originInstance,
            OriginZone = originZone,
            WorkflowId = workflowId,
            IsDeleted = isDeleted,
            Document = document ?? $$"""{"id":"{{id}}","task_type":"{{taskType}}"}""",
        };
    }
}
