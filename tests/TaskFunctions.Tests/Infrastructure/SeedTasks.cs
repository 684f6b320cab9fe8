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
        return new StoredTask
        {
            Id = document.Id,
            Tenant = tenant,
            TaskType = document.TaskType,
            Status = status,
            CreatedAt = createdAt,
            UpdatedAt = createdAt,
            OriginInstance = "seed",
            OriginTenantId = tenant,
            Document = TaskJson.SerializeDocument(document),
        };
    }
}
