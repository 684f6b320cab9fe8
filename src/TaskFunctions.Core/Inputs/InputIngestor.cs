using System.Buffers.Text;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Images;
using TaskFunctions.Core.Net;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Validation;

namespace TaskFunctions.Core.Inputs;

/// <summary>
/// Turns a create request's image fields into stored blobs under <c>{container}/{task_id}/inputs/</c>.
/// Everything is decoded and checked first, then written, so a bad field leaves nothing behind.
/// </summary>
public sealed class InputIngestor(
    IBlobStore blobs,
    SafeHttpFetcher fetcher,
    IOptions<InputOptions> options,
    IOptions<OutboundOptions> outbound,
    IOptions<ImageDecodeOptions> decodeOptions)
{
    /// <summary>
    /// Gets every image input's bytes — inline base64/data URL, an http(s) URL fetched through the SSRF guard, or a
    /// local path below the configured root — and checks them (format by magic bytes, dimensions from the header
    /// against the pixel cap) without decoding pixels. Nothing is written here.
    /// </summary>
    public async Task<InputPlan> PlanAsync(CreateTaskBase request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var inline = new List<InlineImage>();
        var errors = new List<ValidationErrorItem>();
        foreach (var input in request.GetImageInputs())
        {
            var loc = Location(input.Field);
            var value = input.Value.Trim();
            if (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                if (!Uri.TryCreate(value, UriKind.Absolute, out var url))
                {
                    errors.Add(ValidationErrorItem.Body("Input should be a valid URL", "url_parsing", loc));
                    continue;
                }

                try
                {
                    var fetched = await fetcher.FetchAsync(url, cancellationToken);
                    await AddCheckedAsync(input.Field, fetched.Content, loc, inline, errors, cancellationToken);
                }
                catch (OutboundRequestException ex)
                {
                    errors.Add(ValidationErrorItem.Body($"Value error, the image URL could not be fetched: {ex.Message}", "value_error", loc));
                }

                continue;
            }

            if (!TryDecode(value, out var bytes, out var problem))
            {
                if (problem is null && LooksLikePath(value))
                {
                    if (input.AllowLocalPath && outbound.Value.LocalPathRoot is { Length: > 0 } root)
                    {
                        await AddLocalFileAsync(input.Field, root, value, loc, inline, errors, cancellationToken);
                        continue;
                    }

                    problem = input.AllowLocalPath
                        ? "Value error, local file paths are not enabled on this service"
                        : "Value error, expected base64 image data, a data URL or an http(s) URL";
                }

                errors.Add(ValidationErrorItem.Body(problem ?? "Value error, invalid base64 image data", "value_error", loc));
                continue;
            }

            await AddCheckedAsync(input.Field, bytes, loc, inline, errors, cancellationToken);
        }

        return new InputPlan(inline, errors);
    }

    private async Task AddLocalFileAsync(string field, string root, string path, object[] loc, List<InlineImage> inline, List<ValidationErrorItem> errors, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            var resolved = LocalPathResolver.Resolve(root, path);
            var info = new FileInfo(resolved);
            if (!info.Exists)
            {
                errors.Add(ValidationErrorItem.Body("Value error, local file not found", "value_error", loc));
                return;
            }

            if (info.Length > options.Value.MaxImageBytes)
            {
                errors.Add(ValidationErrorItem.Body($"Value error, image is larger than {options.Value.MaxImageBytes} bytes", "value_error", loc));
                return;
            }

            bytes = await File.ReadAllBytesAsync(resolved, cancellationToken);
        }
        catch (LocalPathException ex)
        {
            errors.Add(ValidationErrorItem.Body($"Value error, {ex.Message}", "value_error", loc));
            return;
        }

        await AddCheckedAsync(field, bytes, loc, inline, errors, cancellationToken);
    }

    private async Task AddCheckedAsync(string field, byte[] bytes, object[] loc, List<InlineImage> inline, List<ValidationErrorItem> errors, CancellationToken cancellationToken)
    {
        if (bytes.LongLength > options.Value.MaxImageBytes)
        {
            errors.Add(ValidationErrorItem.Body($"Value error, image is larger than {options.Value.MaxImageBytes} bytes", "value_error", loc));
            return;
        }

        ImageFormatKind format;
        try
        {
            (format, _, _) = await SafeImageDecoder.InspectAsync(bytes, decodeOptions.Value, cancellationToken);
        }
        catch (InvalidImageException ex)
        {
            errors.Add(ValidationErrorItem.Body($"Value error, {ex.Message}", "value_error", loc));
            return;
        }

        var (contentType, extension) = format switch
        {
            ImageFormatKind.Png => ("image/png", "png"),
            ImageFormatKind.Jpeg => ("image/jpeg", "jpg"),
            _ => ("image/webp", "webp"),
        };
        inline.Add(new InlineImage(field, bytes, contentType, extension));
    }

    /// <summary>Stores the checked images; returns every field's stored blob path.</summary>
    public async Task<Dictionary<string, string>> StoreAsync(
        InputPlan plan,
        string container,
        string taskId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var uploads = plan.Inline.Select(async image =>
        {
            using var content = new MemoryStream(image.Bytes, writable: false);
            var name = $"{taskId}/inputs/{BlobSafe(image.Field)}.{image.Extension}";
            return (image.Field, Path: await blobs.UploadAsync(container, name, content, image.ContentType, cancellationToken));
        });
        foreach (var (field, path) in await Task.WhenAll(uploads))
        {
            paths[field] = path;
        }

        return paths;
    }

    private static bool TryDecode(string value, out byte[] bytes, out string? problem)
    {
        bytes = [];
        problem = null;
        var data = value;
        if (value.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = value.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || !value[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                problem = "Value error, data URL must be of the form data:image/...;base64,...";
                return false;
            }

            if (!value.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase))
            {
                problem = "Value error, data URL must carry an image media type";
                return false;
            }

            data = value[(comma + 1)..];
        }

        if (data.Length == 0 || !Base64.IsValid(data, out var decodedLength))
        {
            return false;
        }

        bytes = new byte[decodedLength];
        if (!Convert.TryFromBase64String(data, bytes, out var written))
        {
            bytes = [];
            return false;
        }

        bytes = written == bytes.Length ? bytes : bytes[..written];
        return true;
    }

    // Called only when the value is not valid base64: base64 has no '.', and a '/' in valid base64 would have decoded.
    private static bool LooksLikePath(string value) =>
        value.Contains('/', StringComparison.Ordinal) || value.Contains('.', StringComparison.Ordinal)
        || value.Contains('\\', StringComparison.Ordinal) || (value.Length > 2 && value[1] == ':');

    /// <summary>Splits <c>name[3]</c> into the loc path <c>["name", 3]</c>.</summary>
    public static object[] Location(string field)
    {
        var bracket = field.IndexOf('[', StringComparison.Ordinal);
        if (bracket < 0 || !field.EndsWith(']'))
        {
            return [field];
        }

        return int.TryParse(field.AsSpan(bracket + 1, field.Length - bracket - 2), out var index)
            ? [field[..bracket], index]
            : [field];
    }

    private static string BlobSafe(string field) =>
        new(field.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-' ? c : '_').ToArray());
}
