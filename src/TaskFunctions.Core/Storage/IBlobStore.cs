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

    /// <summary>
    /// What serving a blob needs without reading it: content type, length, ETag (quoted, header form) and last
    /// modified; null when absent.
    /// </summary>
    Task<BlobFileProperties?> GetPropertiesAsync(string container, string blobName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens <paramref name="length"/> bytes from <paramref name="offset"/> for streaming (nothing is buffered whole),
    /// provided the blob still has <paramref name="etag"/>; null when it is gone or has changed since.
    /// </summary>
    Task<Stream?> OpenReadRangeAsync(string container, string blobName, long offset, long length, string etag, CancellationToken cancellationToken = default);

    /// <summary>Deletes one blob; a missing blob is not an error. Returns whether it existed.</summary>
    Task<bool> DeleteAsync(string container, string blobName, CancellationToken cancellationToken = default);

    /// <summary>Deletes every blob under <c>{taskId}/</c> in the container; returns how many were deleted.</summary>
    Task<int> DeletePrefixAsync(string container, string taskId, CancellationToken cancellationToken = default);

    /// <summary>Lists blob names under <c>{taskId}/</c>.</summary>
    Task<IReadOnlyList<string>> ListAsync(string container, string taskId, CancellationToken cancellationToken = default);
}

/// <summary>A stored blob as an HTTP answer describes it.</summary>
/// <param name="ContentType">The blob's content type (<c>application/octet-stream</c> when it has none).</param>
/// <param name="Length">Its size in bytes.</param>
/// <param name="ETag">Its entity tag in header form (quoted).</param>
/// <param name="LastModified">When it was last written.</param>
public sealed record BlobFileProperties(string ContentType, long Length, string ETag, DateTimeOffset LastModified);
