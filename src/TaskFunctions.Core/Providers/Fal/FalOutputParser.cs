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
