namespace TaskFunctions.Core.Storage;

/// <summary>Task files in Blob Storage; every file of a task lives under <c>{container}/{task_id}/</c>.</summary>
public interface IBlobStore
{
    /// <summary>Creates every task container if needed (called once on start).</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Uploads (overwrites) a blob and returns its path as <c>{container}/{blobName}</c>.</summary>
    Task<string> UploadAsync(string container, string blobName, Stream content, string contentType, CancellationToken cancellationToken = default);

    /// <summary>Opens a blob for reading; null when absent.</summary>
    Task<Stream?> OpenReadAsync(string container, string blobName, CancellationToken cancellationToken = default);

    /// <summary>Deletes one blob; a missing blob is not an error. Returns whether it existed.</summary>
    Task<bool> DeleteAsync(string container, string blobName, CancellationToken cancellationToken = default);

    /// <summary>Deletes every blob under <c>{taskId}/</c> in the container; returns how many were deleted.</summary>
    Task<int> DeletePrefixAsync(string container, string taskId, CancellationToken cancellationToken = default);

    /// <summary>Lists blob names under <c>{taskId}/</c>.</summary>
    Task<IReadOnlyList<string>> ListAsync(string container, string taskId, CancellationToken cancellationToken = default);
}
