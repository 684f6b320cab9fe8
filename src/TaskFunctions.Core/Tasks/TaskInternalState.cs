using System.Text.Json.Nodes;

namespace TaskFunctions.Core.Tasks;

/// <summary>Task state the service keeps for itself; stored as <c>_internal</c>, never returned by the API.</summary>
public sealed class TaskInternalState
{
    /// <summary>Owning tenant ("" when an admin created the task without a tenant).</summary>
    public string Tenant { get; set; } = "";

    public string? WebhookUrl { get; set; }

    public bool IsDeleted { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }

    public string? QueueName { get; set; }

    public bool? IsResumed { get; set; }

    public int? ResumeAttemptCount { get; set; }

    public DateTimeOffset? LastResumeAttempt { get; set; }

    /// <summary>Log of calls made to external services, for observability.</summary>
    public List<JsonObject>? ServiceRequests { get; set; }

    public bool FallbackUsed { get; set; }

    /// <summary>The create request as accepted, image values replaced by stored blob paths; see <see cref="TaskJson.ReadCreateRequest{T}"/>.</summary>
    public JsonObject? CreateRequest { get; set; }

    /// <summary>The provider job of the current attempt, recorded right after submission (crash safety: never submit twice).</summary>
    public ProviderJobRecord? ActiveJob { get; set; }

    /// <summary>Set while a submit is in flight (written before it is sent, cleared when its job is recorded).</summary>
    public SubmitIntentRecord? SubmitIntent { get; set; }

    /// <summary>Submits that may have created a provider job the task does not know (see <see cref="UnconfirmedSubmit"/>).</summary>
    public List<UnconfirmedSubmit>? UnconfirmedSubmits { get; set; }

    /// <summary>Keys of the failed attempts already recorded, so a re-delivered record is not counted twice.</summary>
    public List<string>? RecordedFailures { get; set; }

    /// <summary>Delivery state of the terminal-state webhook, when the task has a webhook_url.</summary>
    public WebhookDeliveryState? Webhook { get; set; }

    /// <summary>Stored blob path per image input field (<see cref="ImageInput.Field"/>).</summary>
    public Dictionary<string, string>? InputPaths { get; set; }
}
