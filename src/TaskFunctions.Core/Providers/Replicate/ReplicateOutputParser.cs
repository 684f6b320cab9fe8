using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace TaskFunctions.Core.Providers.Replicate;

/// <summary>
/// Reads a finished prediction: its <c>output</c> (a URL, a list of URLs, text, a list of text chunks, or an object
/// holding URLs), its token counts and its compute time. Files are typed by their URL's extension (video:
/// mp4/mov/webm/m4v; other non-image extensions are <see cref="ProviderFileKind.Other"/>; no extension: image).
/// </summary>
public static class ReplicateOutputParser
{
    /// <summary>The prediction as kept on the output: identity, status, output and metrics; never the input (it holds our image bytes) or logs.</summary>
    public static JsonObject Summary(JsonObject prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        var summary = new JsonObject();
        foreach (var name in new[] { "id", "model", "version", "status", "output", "metrics" })
        {
            if (prediction[name] is { } node)
            {
                summary[name] = node.DeepClone();
            }
        }

        return summary;
    }

    /// <summary>The files in <c>output</c>, in document order, each URL once; JSON paths relative to the prediction (<c>$.output[0]</c>).</summary>
    public static IReadOnlyList<ProviderFile> FindFiles(JsonNode? output)
    {
        var files = new List<ProviderFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Walk(output, "$.output", files, seen, depth: 0);
        return files;
    }

    /// <summary>
    /// The output as text: a string as is, a list of strings joined without separator (LLMs stream their answer as
    /// chunks). Null for any other shape.
    /// </summary>
    public static string? FindText(JsonNode? output)
    {
        switch (output)
        {
            case JsonValue value when value.TryGetValue<string>(out var text):
                return text;
            case JsonArray items when items.Count > 0 && items.All(i => i is JsonValue v && v.TryGetValue<string>(out _)):
                var builder = new StringBuilder();
                foreach (var item in items)
                {
                    builder.Append(item!.GetValue<string>());
                }

                return builder.ToString();
            default:
                return null;
        }
    }

    /// <summary>Token counts from <c>metrics.input_token_count</c> / <c>metrics.output_token_count</c>; null when neither is reported.</summary>
    public static TokenUsage? FindUsage(JsonNode? metrics)
    {
        var input = IntOf(metrics?["input_token_count"]);
        var output = IntOf(metrics?["output_token_count"]);
        return input is null && output is null ? null : new TokenUsage(input, output);
    }

    /// <summary><c>metrics.predict_time</c> (seconds) as a duration; null when absent or not a sane number.</summary>
    public static TimeSpan? PredictTime(JsonNode? metrics) =>
        metrics is JsonObject obj && NumberOf(obj["predict_time"]) is { } seconds && seconds >= 0 && seconds < TimeSpan.FromDays(1).TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : null;

    /// <summary>The file kind and content type an output URL's extension implies.</summary>
    public static (ProviderFileKind Kind, string? ContentType) KindOf(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return Path.GetExtension(url.AbsolutePath).ToLowerInvariant() switch
        {
            ".png" => (ProviderFileKind.Image, "image/png"),
            ".jpg" or ".jpeg" => (ProviderFileKind.Image, "image/jpeg"),
            ".webp" => (ProviderFileKind.Image, "image/webp"),
            ".gif" => (ProviderFileKind.Image, "image/gif"),
            ".mp4" or ".m4v" => (ProviderFileKind.Video, "video/mp4"),
            ".mov" => (ProviderFileKind.Video, "video/quicktime"),
            ".webm" => (ProviderFileKind.Video, "video/webm"),
            "" => (ProviderFileKind.Image, null),
            _ => (ProviderFileKind.Other, null),
        };
    }

    private static void Walk(JsonNode? node, string path, List<ProviderFile> files, HashSet<string> seen, int depth)
    {
        if (depth > 8)
        {
            return;
        }

        switch (node)
        {
            case JsonValue value when value.TryGetValue<string>(out var text):
                if (AbsoluteHttpUrl(text) is { } url && seen.Add(url.AbsoluteUri))
                {
                    var (kind, contentType) = KindOf(url);
                    var name = Path.GetFileName(url.AbsolutePath);
                    files.Add(new ProviderFile(url, kind, contentType, string.IsNullOrEmpty(name) ? null : name, path));
                }

                break;
            case JsonArray items:
                for (var i = 0; i < items.Count; i++)
                {
                    Walk(items[i], path + string.Create(CultureInfo.InvariantCulture, $"[{i}]"), files, seen, depth + 1);
                }

                break;
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    Walk(child, path + "." + name, files, seen, depth + 1);
                }

                break;
        }
    }

    private static Uri? AbsoluteHttpUrl(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length == text.Length && !trimmed.Contains(' ', StringComparison.Ordinal)
            && Uri.TryCreate(trimmed, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
            ? url
            : null;
    }

    private static int? IntOf(JsonNode? node) =>
        NumberOf(node) is { } number && number >= 0 && number <= int.MaxValue ? (int)number : null;

    private static double? NumberOf(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.Number && value.ToJsonString() is var raw
        && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number
            : null;
}
