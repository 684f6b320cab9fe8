using Azure.Storage.Blobs;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>Reads a task's stored file back from Azurite by its API path (<c>{container}/{task_id}/…</c>).</summary>
public static class TaskBlobs
{
    public static async Task<byte[]> DownloadAsync(string storageConnectionString, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var blob = new BlobServiceClient(storageConnectionString).GetBlobContainerClient(path[..slash]).GetBlobClient(path[(slash + 1)..]);
        return (await blob.DownloadContentAsync()).Value.Content.ToArray();
    }
}
