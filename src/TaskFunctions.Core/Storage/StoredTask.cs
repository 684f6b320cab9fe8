using Azure;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Storage;

/// <summary>
/// A task as the store keeps it: the indexed columns the list queries filter on, plus the whole task
/// document (snake_case JSON of the kind's model, public and internal fields) as an opaque string.
/// </summary>
public sealed class StoredTask
{
    public required string Id { get; init; }

    /// <summary>Owning tenant ("" for tasks created by an admin without a tenant).</summary>
    public required string Tenant { get; init; }

    public required TaskType TaskType { get; init; }

    public required TaskState Status { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; set; }

    public string? OriginInstance { get; set; }

    public string? OriginZone { get; set; }

    public string? OriginTenantId { get; set; }

    public string? WorkflowId { get; set; }

    public bool IsDeleted { get; set; }

    /// <summary>The task document JSON; may be far larger than one Table property allows.</summary>
    public required string Document { get; set; }

    /// <summary>ETag of the record entity as last read or written; used for conditional updates.</summary>
    public ETag ETag { get; set; }

    /// <summary>
    /// The blob holding the document when it was too large for the entity, as of <see cref="ETag"/>; only meaningful
    /// when <see cref="DocumentLocationKnown"/> (the task was read from, or written to, the store).
    /// </summary>
    internal string? DocumentBlobName { get; set; }

    /// <summary>Whether <see cref="DocumentBlobName"/> reflects the stored record, so an update needs no re-read of it.</summary>
    internal bool DocumentLocationKnown { get; set; }

    /// <summary>
    /// As of <see cref="ETag"/>: the record's index entities are held pending for an in-flight task (see
    /// <see cref="TaskIndexProtocol"/>), carry <see cref="RecordVersion"/> and the columns in <see cref="HeldColumns"/>.
    /// </summary>
    internal bool IndexHeld { get; set; }

    /// <summary>The Version the record had as of <see cref="ETag"/> (the one its index entities name).</summary>
    internal string? RecordVersion { get; set; }

    /// <summary>The indexed columns other than Status and UpdatedAt as of <see cref="ETag"/>, as one comparable string.</summary>
    internal string? HeldColumns { get; set; }

    /// <summary>A field-by-field copy, store bookkeeping included.</summary>
    internal StoredTask Copy() => new()
    {
        Id = Id,
        Tenant = Tenant,
        TaskType = TaskType,
        Status = Status,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
        OriginInstance = OriginInstance,
        OriginZone = OriginZone,
        OriginTenantId = OriginTenantId,
        WorkflowId = WorkflowId,
        IsDeleted = IsDeleted,
        Document = Document,
        ETag = ETag,
        DocumentBlobName = DocumentBlobName,
        DocumentLocationKnown = DocumentLocationKnown,
        IndexHeld = IndexHeld,
        RecordVersion = RecordVersion,
        HeldColumns = HeldColumns,
    };
}
