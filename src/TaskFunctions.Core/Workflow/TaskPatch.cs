using System.Text.Json.Nodes;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow;

/// <summary>Sets fields of a task document by wire name (how executors report results for any kind).</summary>
public static class TaskPatch
{
    /// <summary>A copy of <paramref name="task"/> with the given snake_case fields replaced.</summary>
    public static TaskPublicBase Apply(TaskPublicBase task, IReadOnlyDictionary<string, JsonNode?> fields)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(fields);
        var json = JsonNode.Parse(TaskJson.SerializeDocument(task))!.AsObject();
        foreach (var (name, value) in fields)
        {
            json[name] = value?.DeepClone();
        }

        return TaskJson.DeserializeDocument(json.ToJsonString());
    }
}
