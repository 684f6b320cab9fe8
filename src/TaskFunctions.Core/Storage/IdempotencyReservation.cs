using Azure;

namespace TaskFunctions.Core.Storage;

/// <summary>
/// What an <c>Idempotency-Key</c> stands for within a caller's scope: the task id it was given, the fingerprint of the
/// request it came with, when it was first used and whether the create that claimed it has finished.
/// </summary>
public sealed record IdempotencyReservation
{
    /// <summary>The caller's scope (its token's tenant); keys of different scopes never meet.</summary>
    public required string Scope { get; init; }

    /// <summary>The header value as sent.</summary>
    public required string Key { get; init; }

    /// <summary>The id of the task this key creates (or created).</summary>
    public required string TaskId { get; init; }

    /// <summary>SHA-256 (hex) of the canonical form of the request that first used the key.</summary>
    public required string RequestHash { get; init; }

    /// <summary>When the key was first used; the retention window starts here.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Until when the create that holds the key is presumed alive; after it another request may finish its work.</summary>
    public required DateTimeOffset LeaseUntil { get; init; }

    /// <summary>The task's record is written and its orchestration scheduled.</summary>
    public bool Completed { get; init; }

    /// <summary>ETag of the entity as last read or written; every change is conditional on it.</summary>
    public ETag ETag { get; init; }
}
