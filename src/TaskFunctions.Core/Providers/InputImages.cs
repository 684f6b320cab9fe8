using TaskFunctions.Core.Images;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Workflow;

namespace TaskFunctions.Core.Providers;

/// <summary>Reads a task's stored input images back for a provider request.</summary>
public sealed class InputImages(IBlobStore blobs)
{
    /// <summary>The stored image as a data URI (providers such as fal accept them wherever they take an image URL).</summary>
    /// <exception cref="ProviderException">VALIDATION when the input is not a stored file.</exception>
    public async Task<string> DataUriAsync(string field, string? storedPath, CancellationToken cancellationToken)
    {
        return DataUri(await ReadAsync(field, storedPath, cancellationToken));
    }

    /// <summary>An image's bytes as a data URI typed by its magic bytes.</summary>
    public static string DataUri(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var mediaType = SafeImageDecoder.Sniff(bytes) switch
        {
            ImageFormatKind.Jpeg => "image/jpeg",
            ImageFormatKind.WebP => "image/webp",
            _ => "image/png",
        };
        return $"data:{mediaType};base64,{Convert.ToBase64String(bytes)}";
    }

    public async Task<byte[]> ReadAsync(string field, string? storedPath, CancellationToken cancellationToken)
    {
        if (!BlobPath.TryParse(storedPath, out var path))
        {
            throw new ProviderException(new ProviderFailure($"{field}: this input was not stored as a file.", ErrorCategory.VALIDATION, false));
        }

        await using var stream = await blobs.OpenReadAsync(path.Container, path.Name, cancellationToken)
            ?? throw new ProviderException(new ProviderFailure($"{field}: the stored input is missing.", ErrorCategory.VALIDATION, false));
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cancellationToken);
        return copy.ToArray();
    }
}
