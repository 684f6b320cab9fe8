using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TaskFunctions.Core.Providers.Fal;

/// <summary>
/// Finds the files in a fal result: <c>images[*]</c>, <c>image</c> and <c>mask_image</c> are images, <c>video</c> is a
/// video, and any other object with an absolute http(s) <c>url</c> is typed by its <c>content_type</c>.
/// Files come in document order, each URL once.
/// </summary>
public static partial class FalOutputParser
{
    public static IReadOnlyList<ProviderFile> FindFiles(JsonNode? output)
    {
        var files = new List<ProviderFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Walk(output, "$", impliedKind: null, files, seen);
        return files;
    }

    /// <summary>The text of an LLM app's result (<c>output</c>, any-llm's field, or <c>text</c>); null when there is none.</summary>
    public static string? FindText(JsonNode? output) =>
        output is JsonObject obj ? RawString(obj["output"]) ?? RawString(obj["text"]) : null;

    /// <summary>Token usage when the app reports it (<c>usage.prompt_tokens/completion_tokens</c> or <c>input_tokens/output_tokens</c>).</summary>
    public static TokenUsage? FindUsage(JsonNode? output)
    {
        if (output is not JsonObject { } obj || obj["usage"] is not JsonObject usage)
        {
            return null;
        }

        var input = IntOf(usage["prompt_tokens"]) ?? IntOf(usage["input_tokens"]);
        var completion = IntOf(usage["completion_tokens"]) ?? IntOf(usage["output_tokens"]);
        return input is null && completion is null ? null : new TokenUsage(input, completion);
    }

    /// <summary>
    /// Face findings when the app reports them: <c>face_detected</c>, else a <c>faces</c> list or <c>num_faces</c> count;
    /// <c>lpips</c>/<c>lpips_score</c> and <c>dists</c>/<c>dists_score</c>. Null when it reports none of these.
    /// </summary>
    public static FaceReport? FindFaces(JsonNode? output)
    {
        if (output is not JsonObject obj)
        {
            return null;
        }

        bool? detected = obj["face_detected"] is JsonValue flag && flag.TryGetValue<bool>(out var value) ? value
            : obj["faces"] is JsonArray faces ? faces.Count > 0
            : IntOf(obj["num_faces"]) is { } count ? count > 0
            : null;
        var lpips = DoubleOf(obj["lpips"]) ?? DoubleOf(obj["lpips_score"]);
        var dists = DoubleOf(obj["dists"]) ?? DoubleOf(obj["dists_score"]);
        return detected is null && lpips is null && dists is null ? null : new FaceReport(detected, lpips, dists);
    }

    private static string? RawString(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static int? IntOf(JsonNode? node) => node is JsonValue value && value.TryGetValue<int>(out var number) ? number : null;

    private static double? DoubleOf(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<double>(out var number) && double.IsFinite(number) ? number : null;

    private static void Walk(JsonNode? node, string path, ProviderFileKind? impliedKind, List<ProviderFile> files, HashSet<string> seen)
    {
        switch (node)
        {
            case JsonObject obj:
                if (AbsoluteHttpUrl(obj["url"]) is { } url && seen.Add(url.AbsoluteUri))
                {
                    var contentType = StringOf(obj["content_type"]);
                    files.Add(new ProviderFile(url, impliedKind ?? KindOf(contentType), contentType, StringOf(obj["file_name"]), path + ".url"));
                }

                foreach (var (name, child) in obj)
                {
                    if (name == "url")
                    {
                        continue;
                    }

                    Walk(child, path + Member(name), KindImpliedBy(name), files, seen);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    // images[*] are images; elements of other lists are typed by their own content_type.
                    Walk(array[i], string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"), impliedKind, files, seen);
                }

                break;
        }
    }

    private static ProviderFileKind? KindImpliedBy(string name) => name switch
    {
        "images" or "image" or "mask_image" => ProviderFileKind.Image,
        "video" => ProviderFileKind.Video,
        _ => null,
    };

    private static ProviderFileKind KindOf(string? contentType) =>
        contentType is null ? ProviderFileKind.Other
        : contentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) ? ProviderFileKind.Image
        : contentType.StartsWith("video/", StringComparison.OrdinalIgnoreCase) ? ProviderFileKind.Video
        : ProviderFileKind.Other;

    private static Uri? AbsoluteHttpUrl(JsonNode? node) =>
        StringOf(node) is { } text
        && Uri.TryCreate(text, UriKind.Absolute, out var url)
        && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
            ? url
            : null;

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

    /// <summary>".name" for identifier-like names, else "['na''me']" (JSONPath bracket notation).</summary>
    private static string Member(string name)
    {
        if (Identifier().IsMatch(name))
        {
            return "." + name;
        }

        var builder = new StringBuilder("['");
        foreach (var c in name)
        {
            builder.Append(c switch { '\'' => "\\'", '\\' => "\\\\", _ => c.ToString() });
        }

        return builder.Append("']").ToString();
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
