using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace TaskFunctions.Core.Tasks;

/// <summary>Fields every <c>*TaskPublic</c> document shares, plus the internal state stored alongside them.</summary>
public abstract class TaskPublicBase
{
    /// <summary>The wire discriminator; fixed per kind.</summary>
    public abstract TaskType TaskType { get; }

    /// <summary>Task id (uuid text).</summary>
    public string Id { get; set; } = "";

    public int Priority { get; set; }

    public JsonObject? Config { get; set; }

    public string OriginInstance { get; set; } = "";

    public string? OriginZone { get; set; }

    public string? OriginTenantId { get; set; }

    public string? OriginReference { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public TaskState Status { get; set; } = TaskState.PENDING;

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public string? ExecutorType { get; set; }

    public string? ExecutorInstance { get; set; }

    public string? CeleryTaskId { get; set; }

    public string? ServiceTaskId { get; set; }

    public ProviderType? ProviderType { get; set; }

    public List<string>? ActiveProviderCapabilities { get; set; }

    public ProviderType? FallbackProviderType { get; set; }

    public JsonNode? FallbackProviderConfig { get; set; }

    public List<string>? FallbackProviderCapabilities { get; set; }

    public List<string>? Errors { get; set; }

    public ErrorCategory? ErrorCategory { get; set; }

    public int RetryCount { get; set; }

    public double Progress { get; set; }

    public JsonNode? ProviderConfig { get; set; }

    /// <summary>Service-only state; stored as <c>_internal</c>, omitted by <see cref="TaskJson.Api"/>.</summary>
    [InternalField]
    [JsonPropertyName("_internal")]
    public TaskInternalState Internal { get; set; } = new();
}
