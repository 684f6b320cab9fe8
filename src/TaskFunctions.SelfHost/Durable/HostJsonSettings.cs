using System.Text.Json;

namespace TaskFunctions.SelfHost.Durable;

/// <summary>
/// The Durable settings of the repository's host.json, read by the self-host so that both hosts run the
/// task hub with the same values (host.json is the one source of truth).
/// </summary>
public sealed record HostJsonSettings(
    string HubName,
    int PartitionCount,
    TimeSpan MaxQueuePollingInterval,
    int MaxConcurrentActivityFunctions,
    int MaxConcurrentOrchestratorFunctions,
    TimeSpan WorkItemQueueVisibilityTimeout,
    TimeSpan ControlQueueVisibilityTimeout)
{
    /// <summary>Reads host.json from <paramref name="path"/>, resolving <c>%NAME%</c> through <paramref name="resolve"/>.</summary>
    public static HostJsonSettings Load(string path, Func<string, string?> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var durable = document.RootElement.GetProperty("extensions").GetProperty("durableTask");
        var storage = durable.GetProperty("storageProvider");
        var hub = durable.GetProperty("hubName").GetString() ?? throw new InvalidOperationException("host.json: extensions.durableTask.hubName is missing.");
        if (hub.Length > 2 && hub[0] == '%' && hub[^1] == '%')
        {
            var name = hub[1..^1];
            hub = resolve(name) ?? throw new InvalidOperationException($"host.json: hubName refers to the setting {name}, which is not set.");
        }

        return new HostJsonSettings(
            hub,
            storage.GetProperty("partitionCount").GetInt32(),
            Duration(storage, "maxQueuePollingInterval"),
            durable.GetProperty("maxConcurrentActivityFunctions").GetInt32(),
            durable.GetProperty("maxConcurrentOrchestratorFunctions").GetInt32(),
            Duration(storage, "workItemQueueVisibilityTimeout"),
            Duration(storage, "controlQueueVisibilityTimeout"));
    }

    private static TimeSpan Duration(JsonElement section, string name) =>
        TimeSpan.Parse(
            section.GetProperty(name).GetString() ?? throw new InvalidOperationException($"host.json: {name} is missing."),
            System.Globalization.CultureInfo.InvariantCulture);
}
