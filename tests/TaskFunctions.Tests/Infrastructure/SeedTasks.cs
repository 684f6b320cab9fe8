using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>Real task documents written straight to the store, for list tests and benchmarks with many tasks.</summary>
public static class SeedTasks
{
    public static StoredTask Generation(string tenant, DateTimeOffset createdAt, TaskState status)
    {
        var request = new CreateGenerationTask { OriginInstance = "seed", Prompt = "a red bicycle", OriginTenantId = tenant };
        var document = request.ToPublic(Guid.NewGuid().ToString(), tenant, createdAt, new Dictionary<string, string>());
        document.Status = status;
        return Stored(document, tenant);
    }

    /// <summary>The stored form of a document, its indexed columns taken from it.</summary>
    public static StoredTask Stored(TaskPublicBase document, string tenant)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new StoredTask
        {
            Id = document.Id,
            Tenant = tenant,
            TaskType = document.TaskType,
            Status = document.Status,
            CreatedAt = document.CreatedAt,
            UpdatedAt = document.UpdatedAt,
            OriginInstance = document.OriginInstance,
            OriginZone = document.OriginZone,
            OriginTenantId = document.OriginTenantId,
            Document = TaskJson.SerializeDocument(document),
        };
    }
}
