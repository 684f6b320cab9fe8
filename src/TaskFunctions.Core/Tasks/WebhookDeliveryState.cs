namespace TaskFunctions.Core.Tasks;

/// <summary>Where the delivery of a task's terminal-state webhook stands.</summary>
public sealed class WebhookDeliveryState
{
    /// <summary>Stable across retries (receivers dedupe on it).</summary>
    public string WebhookId { get; set; } = "";

    /// <summary>pending, delivered, failed (attempts exhausted), gone (410), refused (target not allowed).</summary>
    public string State { get; set; } = "pending";

    public int Attempts { get; set; }

    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }
}
