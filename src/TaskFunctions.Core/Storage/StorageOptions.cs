using System.ComponentModel.DataAnnotations;

namespace TaskFunctions.Core.Storage;

/// <summary>Storage account settings (section <c>Storage</c>): a connection string (Azurite) or service URIs (managed identity).</summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string SectionName = "Storage";

    public string? ConnectionString { get; set; }

    public Uri? BlobServiceUri { get; set; }

    public Uri? TableServiceUri { get; set; }

    public Uri? QueueServiceUri { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty uses DefaultAzureCredential's chain.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Name of the task record table.</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    public string TasksTable { get; set; } = "tasks";

    /// <summary>
    /// Prefix of the index tables: <c>{prefix}all</c> for admin lists and <c>{prefix}t{hash}</c> per tenant. At most
    /// 38 characters, so the 25 characters a tenant table appends stay within the 63-character table name limit.
    /// </summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,37}$")]
    public string TaskIndexTable { get; set; } = "taskindex";

    /// <summary>Name of the table holding the Idempotency-Key reservations of creates.</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    public string IdempotencyTable { get; set; } = "idempotency";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) && (BlobServiceUri is null || TableServiceUri is null))
        {
            yield return new ValidationResult(
                "Set Storage:ConnectionString, or Storage:BlobServiceUri and Storage:TableServiceUri for managed identity.",
                [nameof(ConnectionString)]);
        }

        if (TasksTable is not null && TaskIndexTable is not null && IndexTableNames.IsIndexTableName(TaskIndexTable, TasksTable))
        {
            yield return new ValidationResult(
                "Storage:TasksTable must not be a name the index tables under Storage:TaskIndexTable can take.",
                [nameof(TasksTable), nameof(TaskIndexTable)]);
        }

        if (IdempotencyTable is not null && TaskIndexTable is not null
            && (IndexTableNames.IsIndexTableName(TaskIndexTable, IdempotencyTable) || string.Equals(IdempotencyTable, TasksTable, StringComparison.OrdinalIgnoreCase)))
        {
            yield return new ValidationResult(
                "Storage:IdempotencyTable must differ from Storage:TasksTable and from every name the index tables under Storage:TaskIndexTable can take.",
                [nameof(IdempotencyTable)]);
        }
    }
}
