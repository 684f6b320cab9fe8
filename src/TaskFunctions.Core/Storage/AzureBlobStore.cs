using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace TaskFunctions.Core.Storage;

/// <summary><see cref="IBlobStore"/> on Azure Blob Storage; one container per task kind.</summary>
public sealed class AzureBlobStore : IBlobStore
{
    /// <summary>Every task container; the model layer picks one per task kind.</summary>
    public static readonly IReadOnlyList<string> TaskContainers =
    [
        "generations",
        "editings",
        "refines",
        "experimental-fal",
        "video-generations",
        "llm-interactions",
        "background-removals",
        "detail-enhancements",
        "background-fixes",
        "image-adjustments",
        "face-enhancements",
    ];

    private readonly BlobServiceClient _service;

    /// <summary>The service client is a DI singleton.</summary>
    public AzureBlobStore(BlobServiceClient service) => _service = service;

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await Task.WhenAll(TaskContainers.Select(name =>
            _service.GetBlobContainerClient(name).CreateIfNotExistsAsync(cancellationToken: cancellationToken)));
    }

    /// <inheritdoc />
    public async Task<string> UploadAsync(string container, string blobName, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        var blob = _service.GetBlobContainerClient(container).GetBlobClient(blobName);
        // Upload with options overwrites an existing blob.
        await blob.UploadAsync(content, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, cancellationToken);
        return $"{container}/{blobName}";
    }

    /// <inheritdoc />
    public async Task<Stream?> OpenReadAsync(string container, string blobName, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await _service.GetBlobContainerClient(container).GetBlobClient(blobName)
                .DownloadStreamingAsync(cancellationToken: cancellationToken);
            return response.Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<BlobFileProperties?> GetPropertiesAsync(string container, string blobName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        try
        {
            var properties = (await _service.GetBlobContainerClient(container).GetBlobClient(blobName)
                .GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            return new BlobFileProperties(
                string.IsNullOrEmpty(properties.ContentType) ? "application/octet-stream" : properties.ContentType,
                properties.ContentLength,
                properties.ETag.ToString("H"),
                properties.LastModified);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<Stream?> OpenReadRangeAsync(string container, string blobName, long offset, long length, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentException.ThrowIfNullOrEmpty(etag);
        try
        {
            var response = await _service.GetBlobContainerClient(container).GetBlobClient(blobName).DownloadStreamingAsync(
                new BlobDownloadOptions
                {
                    Range = new HttpRange(offset, length),
                    Conditions = new BlobRequestConditions { IfMatch = new ETag(etag) },
                },
                cancellationToken);
            return response.Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412 or 416)
        {
            // Gone, overwritten since its properties were read, or shorter than it was: the caller reads them again.
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string container, string blobName, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await _service.GetBlobContainerClient(container).DeleteBlobIfExistsAsync(blobName, cancellationToken: cancellationToken);
            return response.Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<int> DeletePrefixAsync(string container, string taskId, CancellationToken cancellationToken = default)
    {
        var client = _service.GetBlobContainerClient(container);
        var deleted = 0;
        try
        {
            await foreach (var blob in client.GetBlobsAsync(BlobTraits.None, BlobStates.None, TaskPrefix(taskId), cancellationToken))
            {
                var response = await client.DeleteBlobIfExistsAsync(blob.Name, DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
                if (response.Value)
                {
                    deleted++;
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            // No container means nothing to delete.
        }

        return deleted;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListAsync(string container, string taskId, CancellationToken cancellationToken = default)
    {
        var client = _service.GetBlobContainerClient(container);
        var names = new List<string>();
        try
        {
            await foreach (var blob in client.GetBlobsAsync(BlobTraits.None, BlobStates.None, TaskPrefix(taskId), cancellationToken))
            {
                names.Add(blob.Name);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            // No container means no blobs.
        }

        return names;
    }

    // An empty id would turn "{taskId}/" into a prefix of nothing useful or, worse, of everything.
    private static string TaskPrefix(string taskId)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        return taskId.Contains('/', StringComparison.Ordinal)
            ? throw new ArgumentException("A task id cannot contain '/'.", nameof(taskId))
            : taskId + "/";
    }
}
