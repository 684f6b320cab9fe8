using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Images;
using TaskFunctions.Core.Net;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Workflow;

namespace TaskFunctions.Core.Providers;

/// <summary>
/// Copies a finished job's output files into the task's blob prefix at once (provider URLs expire) and maps them onto
/// the kind's result fields. Downloads go through the SSRF-guarded fetcher with its size and time caps, over https
/// only (plain http solely for hosts in <c>Outbound:AllowedHosts</c>, i.e. local fakes); images are header-checked.
/// </summary>
public sealed class ProviderResultWriter(IBlobStore blobs, SafeHttpFetcher fetcher, IOptions<OutboundOptions> outbound, IOptions<ImageDecodeOptions> decode)
{
    /// <summary>More files than this in one output is not a media result we store.</summary>
    public const int MaxFiles = 16;

    private readonly HashSet<string> plainHttpHosts = outbound.Value.AllowedHosts
        .Select(e => HostPort.TryParseEntry(e, out var key) ? key : null)
        .OfType<string>()
        .ToHashSet(StringComparer.Ordinal);

    public async Task<ExecutionOutcome> WriteAsync(TaskPublicBase task, ProviderOutput output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(output);
        var container = TaskKinds.Container(task.TaskType);
        var wanted = Wanted(task.TaskType, output.Files);
        if (wanted.Count > MaxFiles)
        {
            return Failure($"The provider returned {wanted.Count} files; at most {MaxFiles} are stored.");
        }

        var stored = new List<(ProviderFile File, string Path)>();
        try
        {
            for (var i = 0; i < wanted.Count; i++)
            {
                var path = await CopyAsync(task.Id, container, wanted[i], i, cancellationToken);
                if (path is null)
                {
                    return Failure($"Output file {i + 1} of the provider is not a PNG, JPEG or WebP image.");
                }

                stored.Add((wanted[i], path));
            }

            return await ResultsAsync(task, container, output, stored, cancellationToken);
        }
        catch (OutboundRequestException ex)
        {
            await DeleteAsync(stored, cancellationToken);
            var transient = ex.Kind is OutboundFailure.Timeout or OutboundFailure.Network or OutboundFailure.HttpStatus;
            return ExecutionOutcome.From(new ProviderFailure(
                $"Copying the provider's output failed: {ex.Message}",
                transient ? ErrorCategory.PROVIDER_UNAVAILABLE : ErrorCategory.PROVIDER_ERROR,
                transient));
        }
        catch (InvalidImageException ex)
        {
            await DeleteAsync(stored, cancellationToken);
            return Failure($"The provider's output image was refused: {ex.Message}");
        }
    }

    private static List<ProviderFile> Wanted(TaskType taskType, IReadOnlyList<ProviderFile> files) => taskType switch
    {
        TaskType.EXPERIMENTAL_FAL => [.. files],
        TaskType.VIDEO_GENERATION => [.. files.Where(f => f.Kind == ProviderFileKind.Video).Take(1)],
        TaskType.BACKGROUND_REMOVAL => [.. files.Where(f => f.Kind == ProviderFileKind.Image)],
        TaskType.LLM_INTERACTION => [],
        _ => [.. files.Where(f => f.Kind == ProviderFileKind.Image).Take(1)],
    };

    private async Task<ExecutionOutcome> ResultsAsync(
        TaskPublicBase task, string container, ProviderOutput output, List<(ProviderFile File, string Path)> stored, CancellationToken cancellationToken)
    {
        var results = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        switch (task.TaskType)
        {
            case TaskType.EXPERIMENTAL_FAL:
                // The app's whole output, its file URLs replaced by the stored copies, is the result.
                var raw = output.Raw?.DeepClone() ?? new JsonObject();
                raw = Rewrite(raw, stored.ToDictionary(s => s.File.Url.OriginalString, s => s.Path, StringComparer.Ordinal));
                using (var json = new MemoryStream(Encoding.UTF8.GetBytes(raw.ToJsonString())))
                {
                    results["result_url"] = Element(await blobs.UploadAsync(container, $"{task.Id}/result.json", json, "application/json", cancellationToken));
                }

                break;
            case TaskType.LLM_INTERACTION:
                if (string.IsNullOrEmpty(output.Text))
                {
                    return Failure("The provider returned no text.");
                }

                results["result_text"] = Element(output.Text);
                break;
            case TaskType.BACKGROUND_REMOVAL:
                if (stored.Count == 0)
                {
                    return Failure("The provider returned no image.");
                }

                results["result_image_paths"] = JsonSerializer.SerializeToElement(stored.Select(s => s.Path).ToList());
                break;
            case TaskType.VIDEO_GENERATION:
                if (stored.Count == 0)
                {
                    return Failure("The provider returned no video.");
                }

                results["result_video_path"] = Element(stored[0].Path);
                break;
            default:
                if (stored.Count == 0)
                {
                    return Failure("The provider returned no image.");
                }

                results["result_image_path"] = Element(stored[0].Path);
                break;
        }

        return ExecutionOutcome.Success(results);
    }

    /// <summary>Downloads one file and stores it; null when an image output is not a decodable image format.</summary>
    private async Task<string?> CopyAsync(string taskId, string container, ProviderFile file, int index, CancellationToken cancellationToken)
    {
        var url = file.Url;
        if (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && plainHttpHosts.Contains(HostPort.Key(url.Host, url.Port))))
        {
            throw new OutboundRequestException("output files are only fetched over https.", OutboundFailure.BadScheme);
        }

        var fetched = await fetcher.FetchAsync(url, cancellationToken);
        string extension, contentType;
        if (file.Kind == ProviderFileKind.Image)
        {
            var (format, _, _) = await SafeImageDecoder.InspectAsync(fetched.Content, decode.Value, cancellationToken);
            (extension, contentType) = format switch
            {
                ImageFormatKind.Png => ("png", "image/png"),
                ImageFormatKind.Jpeg => ("jpg", "image/jpeg"),
                ImageFormatKind.WebP => ("webp", "image/webp"),
                _ => (string.Empty, string.Empty),
            };
            if (extension.Length == 0)
            {
                return null;
            }
        }
        else
        {
            contentType = file.ContentType ?? fetched.ContentType ?? "application/octet-stream";
            extension = ExtensionOf(file.FileName) ?? (file.Kind == ProviderFileKind.Video ? "mp4" : "bin");
        }

        var name = index == 0 ? $"{taskId}/result.{extension}" : string.Create(CultureInfo.InvariantCulture, $"{taskId}/result-{index}.{extension}");
        using var content = new MemoryStream(fetched.Content, writable: false);
        return await blobs.UploadAsync(container, name, content, contentType, cancellationToken);
    }

    private static string? ExtensionOf(string? fileName)
    {
        var extension = Path.GetExtension(fileName ?? string.Empty).TrimStart('.').ToLowerInvariant();
        return extension.Length is > 0 and <= 8 && extension.All(char.IsAsciiLetterOrDigit) ? extension : null;
    }

    private static JsonNode Rewrite(JsonNode node, Dictionary<string, string> replacements)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (obj[name] is { } child)
                    {
                        obj[name] = Rewrite(child.DeepClone(), replacements);
                    }
                }

                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item)
                    {
                        array[i] = Rewrite(item.DeepClone(), replacements);
                    }
                }

                return array;
            case JsonValue value when value.TryGetValue<string>(out var text) && replacements.TryGetValue(text, out var path):
                return JsonValue.Create(path);
            default:
                return node;
        }
    }

    private async Task DeleteAsync(List<(ProviderFile File, string Path)> stored, CancellationToken cancellationToken)
    {
        foreach (var (_, path) in stored)
        {
            if (BlobPath.TryParse(path, out var blob))
            {
                await blobs.DeleteAsync(blob.Container, blob.Name, cancellationToken);
            }
        }
    }

    private static ExecutionOutcome Failure(string message) => ExecutionOutcome.From(new ProviderFailure(message, ErrorCategory.PROVIDER_ERROR, false));

    private static JsonElement Element(string value) => JsonSerializer.SerializeToElement(value);
}
