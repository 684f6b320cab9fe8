using System.Collections.Frozen;
using System.IO.Compression;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Swashbuckle.AspNetCore.SwaggerUI;
using TaskFunctions.Core.Api;

namespace TaskFunctions.Core.OpenApi;

/// <summary>The interactive API docs at <c>GET /api/docs</c>: swagger-ui pointed at <c>/api/openapi.json</c>.</summary>
/// <remarks>
/// The page and its assets are the files embedded in Swashbuckle.AspNetCore.SwaggerUI; its middleware is not used,
/// so both hosts answer with the same bytes through this class. Everything is read, unpacked and configured once.
/// Reading the docs needs no token; "Authorize" takes the bearer token the document declares and keeps it in the
/// browser's local storage across reloads.
/// </remarks>
public static partial class ApiDocs
{
    /// <summary>Where the page's assets live; the page itself answers here and at the same path without the slash.</summary>
    public const string BasePath = "/api/docs/";

    /// <summary>The document the page loads (site-relative, so it works under any host name).</summary>
    public const string DocumentUrl = "/api/openapi.json";

    /// <summary>The asset name of the page (also served for an empty asset name).</summary>
    public const string PageName = "index.html";

    private const string TemplatePrefix = "Swashbuckle.AspNetCore.SwaggerUI.";
    private const string DistPrefix = TemplatePrefix + "node_modules.swagger_ui_dist.";
    private const string ScriptName = "index.js";

    // The page's config can change with a deployment and costs one small revalidation; swagger-ui's own files change
    // only with the package, and their URLs are not versioned, so they are cached for a while, then revalidated.
    private const string PageCacheControl = "no-cache";
    private const string AssetCacheControl = "public, max-age=3600";

    private static readonly Lazy<FrozenDictionary<string, ApiDocsAsset>> Assets = new(() => Load(typeof(SwaggerUIOptions).Assembly));

    /// <summary>
    /// The page (<paramref name="asset"/> null, empty or <c>index.html</c>) or one of its assets, with its content type,
    /// a weak ETag (<c>If-None-Match</c> answers 304) and Cache-Control; 404 <c>{"detail": "Not Found"}</c> for any
    /// other name.
    /// </summary>
    public static ApiResult Serve(HttpRequest request, string? asset)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = string.IsNullOrEmpty(asset) ? PageName : asset;
        return Assets.Value.TryGetValue(name, out var file)
            ? file.Answer(request.Headers.IfNoneMatch.ToString(), request.Headers.AcceptEncoding.ToString())
            : ApiResult.ReasonPhrase(StatusCodes.Status404NotFound);
    }

    /// <summary>The names served, for tests and diagnostics.</summary>
    internal static IReadOnlyCollection<string> Names => Assets.Value.Keys;

    /// <summary>
    /// Reads swagger-ui's distribution files and Swashbuckle's page template from <paramref name="package"/>; the
    /// template's index.html and index.js replace the distribution's files of the same names.
    /// </summary>
    internal static FrozenDictionary<string, ApiDocsAsset> Load(Assembly package)
    {
        var assets = new Dictionary<string, ApiDocsAsset>(StringComparer.Ordinal);
        foreach (var resource in package.GetManifestResourceNames().Where(r => r.StartsWith(DistPrefix, StringComparison.Ordinal)))
        {
            var name = resource[DistPrefix.Length..];
            var stored = Read(package, resource);
            var packed = IsGzip(stored);
            var identity = packed ? Gunzip(stored) : stored;
            assets[name] = new ApiDocsAsset(ContentTypeOf(name), identity, packed ? stored : null, AssetCacheControl);
        }

        foreach (var name in new[] { PageName, ScriptName })
        {
            var text = RenderTemplate(name, ReadTemplate(package, name));
            var cacheControl = name == PageName ? PageCacheControl : AssetCacheControl;
            assets[name] = new ApiDocsAsset(ContentTypeOf(name), Encoding.UTF8.GetBytes(text), null, cacheControl);
        }

        if (!assets.ContainsKey("swagger-ui-bundle.js") || !assets.ContainsKey("swagger-ui.css"))
        {
            throw new InvalidOperationException($"{package.GetName().Name} does not embed swagger-ui's distribution under '{DistPrefix}'.");
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// Fills Swashbuckle's <c>%(Name)</c> placeholders and gives the page a base URL, so its relative references
    /// (<c>./swagger-ui.css</c>, <c>index.js</c>, ...) resolve below <see cref="BasePath"/> even when the page is
    /// opened as <c>/api/docs</c> without the slash. A placeholder left over means the package's template changed.
    /// </summary>
    internal static string RenderTemplate(string name, string template)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["DocumentTitle"] = WebUtility.HtmlEncode(OpenApiDocumentBuilder.Title),
            ["HeadContent"] = string.Empty,
            ["StylesPath"] = "./swagger-ui.css",
            ["ScriptBundlePath"] = "./swagger-ui-bundle.js",
            ["ScriptPresetsPath"] = "./swagger-ui-standalone-preset.js",
            ["ConfigObject"] = ConfigObject().ToJsonString(),
            ["OAuthConfigObject"] = "{}",
            ["Interceptors"] = "{}",
        };
        var text = Placeholder().Replace(template, match =>
            values.TryGetValue(match.Groups["name"].Value, out var value)
                ? value
                : throw new InvalidOperationException($"The swagger-ui template {name} has the placeholder {match.Value}, which the docs page does not fill."));

        if (name == PageName)
        {
            const string head = "<head>";
            var at = text.IndexOf(head, StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                throw new InvalidOperationException($"The swagger-ui template {name} has no {head} to put the base URL in.");
            }

            text = text.Insert(at + head.Length, $"\n    <base href=\"{BasePath}\">");
        }

        return text;
    }

    /// <summary>swagger-ui's options: one document, the token kept across reloads, request timings shown.</summary>
    private static JsonObject ConfigObject() => new()
    {
        ["urls"] = new JsonArray(new JsonObject { ["url"] = DocumentUrl, ["name"] = OpenApiDocumentBuilder.Title + " " + OpenApiDocumentBuilder.Version }),
        ["persistAuthorization"] = true,
        ["displayRequestDuration"] = true,
        ["docExpansion"] = "list",
        ["defaultModelsExpandDepth"] = 0,
    };

    /// <summary>Content type by extension; swagger-ui ships only these kinds (plus LICENSE and NOTICE, plain text).</summary>
    internal static string ContentTypeOf(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".png" => "image/png",
        ".json" or ".map" => "application/json",
        _ => "text/plain; charset=utf-8",
    };

    private static string ReadTemplate(Assembly package, string name)
    {
        var bytes = Read(package, TemplatePrefix + name);
        if (IsGzip(bytes))
        {
            bytes = Gunzip(bytes);
        }

        // The templates are saved with a byte order mark; the answer carries its charset instead.
        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetString(bytes).TrimStart('\uFEFF');
    }

    private static byte[] Read(Assembly package, string resource)
    {
        using var stream = package.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{package.GetName().Name} does not embed '{resource}'.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static bool IsGzip(byte[] bytes) => bytes.Length > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;

    private static byte[] Gunzip(byte[] packed)
    {
        using var gzip = new GZipStream(new MemoryStream(packed), CompressionMode.Decompress);
        using var copy = new MemoryStream();
        gzip.CopyTo(copy);
        return copy.ToArray();
    }

    [GeneratedRegex(@"%\((?<name>[A-Za-z]+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
