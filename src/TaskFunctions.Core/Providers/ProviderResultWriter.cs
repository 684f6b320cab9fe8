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

    /// <summary>Result key of a non-main part's stored file (see <see cref="JobPart"/>).</summary>
    public const string PartPath = "path";

    /// <summary>Result keys of a part's provider-reported face findings (present only when reported).</summary>
    public const string PartFaceDetected = "face_detected", PartLpips = "lpips", PartDists = "dists";

    /// <summary>
    /// Stores the output of one job. The main job's output becomes the kind's result fields; any other part's first image
    /// is stored as <c>{task_id}/{part stem}.{ext}</c> and returned under <see cref="PartPath"/>, with the provider's face
    /// findings, for the workflow to combine.
    /// </summary>
    public async Task<ExecutionOutcome> WriteAsync(TaskPublicBase task, ProviderOutput output, JobPart part, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(part);
        var container = TaskKinds.Container(task.TaskType);
        if (part.Kind != JobPartKind.Main)
        {
            return await WritePartAsync(task.Id, container, output, part, cancellationToken);
        }

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
                var stem = i == 0 ? "result" : string.Create(CultureInfo.InvariantCulture, $"result-{i}");
                var path = await CopyAsync(task.Id, container, wanted[i], stem, cancellationToken);
                if (path is null)
                {
                    await DeleteAsync(stored, cancellationToken);
                    return Failure(wanted[i].Kind == ProviderFileKind.Video
                        ? "The provider's output is not an MP4 video (no ISO BMFF ftyp box)."
                        : $"Output file {i + 1} of the provider is not a PNG, JPEG or WebP image.");
                }

                stored.Add((wanted[i], path));
            }

            return await ResultsAsync(task, container, output, stored, cancellationToken);
        }
        catch (OutboundRequestException ex)
        {
            await DeleteAsync(stored, cancellationToken);
            return CopyFailure(ex);
        }
        catch (InvalidImageException ex)
        {
            await DeleteAsync(stored, cancellationToken);
            return Failure($"The provider's output image was refused: {ex.Message}");
        }
    }

    private async Task<ExecutionOutcome> WritePartAsync(string taskId, string container, ProviderOutput output, JobPart part, CancellationToken cancellationToken)
    {
        if (output.Files.FirstOrDefault(f => f.Kind == ProviderFileKind.Image) is not { } file)
        {
            return Failure("The provider returned no image.");
        }

        string? path;
        try
        {
            path = await CopyAsync(taskId, container, file, part.BlobStem, cancellationToken);
        }
        catch (OutboundRequestException ex)
        {
            return CopyFailure(ex);
        }
        catch (InvalidImageException ex)
        {
            return Failure($"The provider's output image was refused: {ex.Message}");
        }

        if (path is null)
        {
            return Failure("The provider's output is not a PNG, JPEG or WebP image.");
        }

        var results = new Dictionary<string, JsonElement>(StringComparer.Ordinal) { [PartPath] = Element(path) };
        if (output.Faces is { } faces)
        {
            AddIfSet(results, PartFaceDetected, faces.FaceDetected);
            AddIfSet(results, PartLpips, faces.LpipsScore);
            AddIfSet(results, PartDists, faces.DistsScore);
        }

        return ExecutionOutcome.Success(results);
    }

    private static void AddIfSet<T>(Dictionary<string, JsonElement> results, string key, T? value)
        where T : struct
    {
        if (value is { } set)
        {
            results[key] = JsonSerializer.SerializeToElement(set);
        }
    }

    private static ExecutionOutcome CopyFailure(OutboundRequestException ex)
    {
        var transient = ex.Kind is OutboundFailure.Timeout or OutboundFailure.Network or OutboundFailure.HttpStatus;
        return ExecutionOutcome.From(new ProviderFailure(
            $"Copying the provider's output failed: {ex.Message}",
            transient ? ErrorCategory.PROVIDER_UNAVAILABLE : ErrorCategory.PROVIDER_ERROR,
            transient));
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
                raw = Rewrite(raw, stored.Where(s => s.File.Url is not null).ToDictionary(s => s.File.Url!.OriginalString, s => s.Path, StringComparer.Ordinal));
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
                if (output.Usage is { } usage)
                {
                    AddIfSet(results, "input_tokens", usage.InputTokens);
                    AddIfSet(results, "output_tokens", usage.OutputTokens);
                }

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

    /// <summary>Downloads one file and stores it as <c>{taskId}/{stem}.{ext}</c>; null when an image is not a decodable image format or a video not an MP4.</summary>
    private async Task<string?> CopyAsync(string taskId, string container, ProviderFile file, string stem, CancellationToken cancellationToken)
    {
        var fetched = file.Content is { } inline
            ? new FetchResult(inline, file.ContentType, file.Url ?? new Uri("about:inline"))
            : await FetchAsync(file.Url ?? throw new OutboundRequestException("the output file has neither a URL nor content.", OutboundFailure.BadScheme), cancellationToken);
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
        else if (file.Kind == ProviderFileKind.Video)
        {
            if (!IsIsoBmff(fetched.Content))
            {
                return null;
            }

            (extension, contentType) = ("mp4", "video/mp4");
        }
        else
        {
            contentType = file.ContentType ?? fetched.ContentType ?? "application/octet-stream";
            extension = ExtensionOf(file.FileName) ?? "bin";
        }

        var name = $"{taskId}/{stem}.{extension}";
        using var content = new MemoryStream(fetched.Content, writable: false);
        return await blobs.UploadAsync(container, name, content, contentType, cancellationToken);
    }

    private Task<FetchResult> FetchAsync(Uri url, CancellationToken cancellationToken)
    {
        if (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && plainHttpHosts.Contains(HostPort.Key(url.Host, url.Port))))
        {
            throw new OutboundRequestException("output files are only fetched over https.", OutboundFailure.BadScheme);
        }

        return fetcher.FetchAsync(url, cancellationToken);
    }

    /// <summary>An MP4/MOV file starts with an ISO BMFF box whose type is <c>ftyp</c> (bytes 4–7), after a 32-bit box size of at least 8.</summary>
    public static bool IsIsoBmff(ReadOnlySpan<byte> content) =>
        content.Length >= 12
        && System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(content) is 1 or >= 8
        && content.Slice(4, 4).SequenceEqual("ftyp"u8);

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
