using System.Text.Json.Serialization;

namespace TaskFunctions.Core.Tasks;

/// <summary>Task lifecycle status (the API schema calls it <c>TaskStatus</c>; renamed here to avoid System.Threading.Tasks.TaskStatus).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskState>))]
public enum TaskState
{
    PENDING,
    RUNNING,
    COMPLETED,
    FAILED,
    CANCELLED,
}
