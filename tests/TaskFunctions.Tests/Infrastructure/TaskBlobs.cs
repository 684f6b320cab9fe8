using Azure.Storage.Blobs;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>Reads a task's stored file back from Azurite by its API path (<c>{container}/{task_id}/…</c>).</summary>
public static class TaskBlobs
{
    /// <summary>
    /// Where tests below the HTTP hosts stage input files. All collections share one Azurite and the task containers are
    /// fixed per kind, so a file staged in <c>detail-enhancements</c> would look like a leftover of the end-to-end host's
    /// own requests (each test's storage must be its own). <see cref="CoreServices.BuildAsync"/> creates it.
    /// </summary>
    public const string StagedInputsContainer = "test-staged-inputs";

    public static async Task<byte[]> DownloadAsync(string storageConnectionString, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var blob = new BlobServiceClient(storageConnectionString).GetBlobContainerClient(path[..slash]).GetBlobClient(path[(slash + 1)..]);
        return (await blob.DownloadContentAsync()).Value.Content.ToArray();
    }
}
