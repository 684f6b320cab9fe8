using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;

namespace TaskFunctions.Core.Tasks;

/// <summary>The wider update field set shared by <c>GenerationTaskUpdate</c> and <c>LLMInteractionTaskPublicUpdate</c>.</summary>
public abstract class ExtendedTaskUpdateBase : TaskUpdateBase
{
    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>Accepted for schema compatibility; never changes the task's kind.</summary>
    public TaskType? TaskType { get; set; }

    [MaxLength(FieldLimits.Identifier)]
    public string? OriginInstance { get; set; }

    [MaxLength(FieldLimits.Identifier)]
    public string? OriginZone { get; set; }

    [MaxLength(FieldLimits.Identifier)]
    public string? OriginTenantId { get; set; }

    [MaxLength(FieldLimits.Identifier)]
    public string? OriginReference { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    [MaxLength(FieldLimits.Identifier)]
    public string? CeleryTaskId { get; set; }

    [MaxLength(FieldLimits.Identifier)]
    public string? ServiceTaskId { get; set; }

    public int? RetryCount { get; set; }

    public double? Progress { get; set; }

    public bool? IsResumed { get; set; }

    public ProviderType? ProviderType { get; set; }

    public List<string>? ActiveProviderCapabilities { get; set; }

    [MaxLength(FieldLimits.Identifier)]
    public string? QueueName { get; set; }

    public ProviderType? FallbackProviderType { get; set; }

    public JsonNode? FallbackProviderConfig { get; set; }

    public List<string>? FallbackProviderCapabilities { get; set; }

    public int? ResumeAttemptCount { get; set; }

    public DateTimeOffset? LastResumeAttempt { get; set; }

    public ErrorCategory? ErrorCategory { get; set; }

    public List<JsonObject>? ServiceRequests { get; set; }
}
