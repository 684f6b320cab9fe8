using System.Diagnostics;
using System.Diagnostics.Metrics;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Telemetry;

/// <summary>
/// The service's OpenTelemetry sources: one <see cref="ActivitySource"/> for spans (HTTP handler → scheduling →
/// executor/provider calls, each tagged with the task id) and one <see cref="Meter"/> for task and provider metrics.
/// </summary>
public static class TaskTelemetry
{
    public const string SourceName = "TaskFunctions";

    public const string TaskIdTag = "task.id";
    public const string TaskTypeTag = "task.type";
    public const string ProviderTag = "task.provider";

    public static ActivitySource Source { get; } = new(SourceName, "1.0.0");

    public static Meter Meter { get; } = new(SourceName, "1.0.0");

    private static readonly Counter<long> Created = Meter.CreateCounter<long>("tasks.created", description: "Tasks accepted by the API.");
    private static readonly Counter<long> Completed = Meter.CreateCounter<long>("tasks.completed", description: "Tasks that reached COMPLETED.");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("tasks.failed", description: "Tasks that reached FAILED.");
    private static readonly Histogram<double> ProviderLatency = Meter.CreateHistogram<double>("provider.latency", unit: "ms", description: "Duration of one provider call or local execution.");

    /// <summary>Starts a span for a step of one task; null when nobody listens.</summary>
    public static Activity? StartTaskActivity(string name, string taskId, TaskType taskType, ProviderType? provider, ActivityKind kind = ActivityKind.Internal)
    {
        var activity = Source.StartActivity(name, kind);
        activity?.SetTag(TaskIdTag, taskId);
        activity?.SetTag(TaskTypeTag, taskType.ToString());
        activity?.SetTag(ProviderTag, ProviderName(provider));
        return activity;
    }

    public static void TaskCreated(TaskType taskType, ProviderType? provider) => Created.Add(1, Tags(taskType, provider));

    public static void TaskCompleted(TaskType taskType, ProviderType? provider) => Completed.Add(1, Tags(taskType, provider));

    public static void TaskFailed(TaskType taskType, ProviderType? provider, ErrorCategory category)
    {
        var tags = Tags(taskType, provider);
        tags.Add("error.category", category.ToString());
        Failed.Add(1, tags);
    }

    public static void ProviderCall(TaskType taskType, ProviderType? provider, TimeSpan duration, bool succeeded)
    {
        var tags = Tags(taskType, provider);
        tags.Add("outcome", succeeded ? "success" : "failure");
        ProviderLatency.Record(duration.TotalMilliseconds, tags);
    }

    private static string ProviderName(ProviderType? provider) => provider?.ToString() ?? "default";

    private static TagList Tags(TaskType taskType, ProviderType? provider) => new()
    {
        { TaskTypeTag, taskType.ToString() },
        { ProviderTag, ProviderName(provider) },
    };
}
