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

    /// <summary>Name of the table holding the list index entities.</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    public string TaskIndexTable { get; set; } = "taskindex";


    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) && (BlobServiceUri is null || TableServiceUri is null))
        {
            yield return new ValidationResult(
                "Set Storage:ConnectionString, or Storage:BlobServiceUri and Storage:TableServiceUri for managed identity.",
                [nameof(ConnectionString)]);
        }
    }
}
