using System.Text.Json;
using System.Text.Json.Nodes;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Api;

/// <summary>
/// The delivery state of a task's terminal-state webhook, as <c>GET /api/v1/tasks/{task_id}/webhook</c> shows it
/// (the seed's task schemas have no field for it, and adding one would change their shape).
/// </summary>
public static class WebhookStatusJson
{
    /// <summary>State when the task has no webhook_url.</summary>
    public const string None = "none";

    public static byte[] Serialize(TaskPublicBase task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var delivery = task.Internal.Webhook;
        var hasTarget = !string.IsNullOrEmpty(task.Internal.WebhookUrl);
        var json = new JsonObject
        {
            ["task_id"] = task.Id,
            ["webhook_url"] = task.Internal.WebhookUrl,
            ["webhook_id"] = delivery?.WebhookId,
            ["state"] = hasTarget ? delivery?.State ?? "pending" : None,
            ["attempts"] = delivery?.Attempts ?? 0,
            ["last_status_code"] = delivery?.LastStatusCode,
            ["last_error"] = delivery?.LastError,
            ["last_attempt_at"] = delivery?.LastAttemptAt is { } last ? JsonValue.Create(last.UtcDateTime) : null,
            ["delivered_at"] = delivery?.DeliveredAt is { } at ? JsonValue.Create(at.UtcDateTime) : null,
        };
        return JsonSerializer.SerializeToUtf8Bytes(json);
    }
}
