using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>Reads task records as stored by a self-host (internal state included), straight from its tables.</summary>
public static class TaskRecords
{
    public static async Task<TaskPublicBase?> ReadAsync(SelfHostProcess host, string taskId)
    {
        ArgumentNullException.ThrowIfNull(host);
        await using var services = await CoreServices.BuildAsync(host.Environment["Storage__ConnectionString"], extraSettings: new Dictionary<string, string?>
        {
            ["Storage:TasksTable"] = host.Environment["Storage__TasksTable"],
            ["Storage:TaskIndexTable"] = host.Environment["Storage__TaskIndexTable"],
        });
        var stored = await services.GetRequiredService<ITaskStore>().GetAsync(taskId);
        return stored is null ? null : TaskJson.DeserializeDocument(stored.Document);
    }
}
