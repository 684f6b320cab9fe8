using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>Reads task records as stored by a self-host (internal state included), straight from its tables.</summary>
public static class TaskRecords
{
    public static async Task<TaskPublicBase?> ReadAsync(string storageConnectionString, string taskId)
    {
        await using var services = await CoreServices.BuildAsync(storageConnectionString, extraSettings: new Dictionary<string, string?>
        {
            ["Storage:TasksTable"] = "tasks",
            ["Storage:TaskIndexTable"] = "taskindex",
        });
        var stored = await services.GetRequiredService<ITaskStore>().GetAsync(taskId);
        return stored is null ? null : TaskJson.DeserializeDocument(stored.Document);
    }
}
