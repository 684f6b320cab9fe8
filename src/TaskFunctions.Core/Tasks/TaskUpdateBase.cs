using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace TaskFunctions.Core.Tasks;

/// <summary>
/// A PUT body (the kind's <c>*PublicUpdate</c> schema): every field optional, and only the fields present in
/// the JSON — explicit nulls included — are applied.
/// </summary>
public abstract class TaskUpdateBase
{
    // Update fields the public document does not carry: they live in the internal state.
    private static readonly Dictionary<string, Action<TaskInternalState, object?>> InternalTargets = new(StringComparer.Ordinal)
    {
        ["queue_name"] = (s, v) => s.QueueName = (string?)v,
        ["is_resumed"] = (s, v) => s.IsResumed = (bool?)v,
        ["resume_attempt_count"] = (s, v) => s.ResumeAttemptCount = (int?)v,
        ["last_resume_attempt"] = (s, v) => s.LastResumeAttempt = (DateTimeOffset?)v,
        ["service_requests"] = (s, v) => s.ServiceRequests = (List<JsonObject>?)v,
    };

    private readonly HashSet<string> _present = new(StringComparer.Ordinal);

    public TaskState? Status { get; set; }

    public int? Priority { get; set; }

    [MaxLength(FieldLimits.Identifier)]
    public string? ExecutorType { get; set; }

    [MaxLength(FieldLimits.Identifier)]
    public string? ExecutorInstance { get; set; }

    public List<string>? Errors { get; set; }

    public JsonObject? Config { get; set; }

    /// <summary>Wire names of the fields the request contained.</summary>
    [JsonIgnore]
    public IReadOnlyCollection<string> PresentFields => _present;

    /// <summary>Whether the request set <c>status</c> (possibly to null).</summary>
    [JsonIgnore]
    public bool HasStatus => _present.Contains("status");

    /// <summary>Wire names of the fields that go to <see cref="TaskPublicBase.Internal"/> rather than the document.</summary>
    public static IReadOnlyCollection<string> InternalFieldNames => InternalTargets.Keys;

    /// <summary>Sets on <paramref name="task"/> exactly the fields present in the request.</summary>
    /// <remarks>
    /// <c>task_type</c> is never applied (a task's kind is fixed), and an explicit null for a field the
    /// document cannot hold as null (priority, progress, retry_count, created_at, …) leaves it unchanged.
    /// </remarks>
    public void ApplyTo(TaskPublicBase task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var updateInfo = TaskJson.Storage.GetTypeInfo(GetType());
        var taskInfo = TaskJson.Storage.GetTypeInfo(task.GetType());
        foreach (var name in _present)
        {
            if (name == "task_type")
            {
                continue;
            }

            var source = updateInfo.Properties.First(p => p.Name == name);
            var value = source.Get!(this);
            if (InternalTargets.TryGetValue(name, out var setInternal))
            {
                setInternal(task.Internal, value);
                continue;
            }

            var target = taskInfo.Properties.FirstOrDefault(p => p.Name == name && p.Set is not null)
                ?? throw new InvalidOperationException($"{GetType().Name}.{name} has no target on {task.GetType().Name}.");
            if (value is null && target.PropertyType.IsValueType && Nullable.GetUnderlyingType(target.PropertyType) is null)
            {
                continue;
            }

            target.Set!(task, value is JsonNode node ? node.DeepClone() : value);
        }
    }

    /// <summary>Records which fields the request contained; called by <see cref="TaskRequestParser"/>.</summary>
    internal void MarkPresent(IEnumerable<string> fields)
    {
        foreach (var field in fields)
        {
            _present.Add(field);
        }
    }
}
