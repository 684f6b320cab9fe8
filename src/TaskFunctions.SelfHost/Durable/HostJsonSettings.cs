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
    TimeSpan WorkItemQueueVisibilityTimeout)
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
            TimeSpan.Parse(storage.GetProperty("maxQueuePollingInterval").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            durable.GetProperty("maxConcurrentActivityFunctions").GetInt32(),
            durable.GetProperty("maxConcurrentOrchestratorFunctions").GetInt32(),
            TimeSpan.Parse(storage.GetProperty("workItemQueueVisibilityTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }
}
