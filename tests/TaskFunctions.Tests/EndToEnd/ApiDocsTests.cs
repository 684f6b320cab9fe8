using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.EndToEnd;

/// <summary>
/// The interactive docs on the self-host, as a browser would load them: the page without a token, then every file it
/// references (the HTML's src/href, the stylesheets' url(...), the document the script is configured with).
/// </summary>
[Collection(SelfHostCollection.Name)]
public sealed partial class ApiDocsTests(SelfHostFixture fixture)
{
    [Theory]
    [InlineData("api/docs")]
    [InlineData("api/docs/")]
    [InlineData("api/docs/index.html")]
    public async Task GetDocs_NoToken_Returns200Html(string path)
    {
        using var client = fixture.AnonymousClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<div id=\"swagger-ui\">", html, StringComparison.Ordinal);
        Assert.NotNull(response.Headers.ETag);
    }

    [Fact]
    public async Task GetDocs_EveryReferencedFile_Answers200WithItsContentType()
    {
        using var client = fixture.AnonymousClient();
        var page = new Uri(fixture.Host.BaseAddress, "api/docs");
        var html = await client.GetStringAsync(page);

        // Relative references resolve against <base href> when the page has one, as in a browser.
        var baseHref = BaseHref().Match(html) is { Success: true } match ? new Uri(page, match.Groups["url"].Value) : page;
        var referenced = HtmlReferences().Matches(html)
            .Select(m => m.Groups["url"].Value)
            .Where(url => !url.StartsWith("data:", StringComparison.Ordinal))
            .Select(url => new Uri(baseHref, url))
            .Distinct()
            .ToList();
        Assert.Contains(referenced, u => u.AbsolutePath.EndsWith(".css", StringComparison.Ordinal));
        Assert.Contains(referenced, u => u.AbsolutePath.EndsWith(".js", StringComparison.Ordinal));

        var loaded = new List<string>();
        foreach (var url in referenced)
        {
            var (type, body) = await GetOkAsync(client, url);
            loaded.Add(url.AbsolutePath);
            Assert.Equal(ExpectedType(url), type);
            if (type == "text/css")
            {
                foreach (Match css in CssReferences().Matches(body).Where(m => !m.Groups["url"].Value.StartsWith("data:", StringComparison.Ordinal)))
                {
                    var asset = new Uri(url, css.Groups["url"].Value);
                    Assert.Equal(ExpectedType(asset), (await GetOkAsync(client, asset)).ContentType);
                    loaded.Add(asset.AbsolutePath);
                }
            }

            if (url.AbsolutePath.EndsWith("/index.js", StringComparison.Ordinal))
            {
                foreach (Match config in ConfiguredUrls().Matches(body))
                {
                    var document = new Uri(page, config.Groups["url"].Value);
                    var (documentType, json) = await GetOkAsync(client, document);
                    Assert.Equal("application/json", documentType);
                    Assert.NotNull(JsonNode.Parse(json)!["paths"]);
                    loaded.Add(document.AbsolutePath);
                }
            }
        }

        Assert.Contains("/api/docs/swagger-ui-bundle.js", loaded);
        Assert.Contains("/api/docs/swagger-ui-standalone-preset.js", loaded);
        Assert.Contains("/api/docs/swagger-ui.css", loaded);
        Assert.Contains("/api/docs/index.js", loaded);
        Assert.Contains("/api/openapi.json", loaded);
    }

    [Theory]
    [InlineData("api/docs/nope.js")]
    [InlineData("api/docs/sub/swagger-ui.css")]
    [InlineData("api/docs/..%2Fopenapi.json")]
    public async Task GetDocsAsset_Unknown_Returns404Json(string path)
    {
        using var client = fixture.AnonymousClient();

        var (status, body) = await ApiCalls.GetAsync(client, path);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Not Found", body!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetDocsAsset_CurrentETag_Returns304()
    {
        using var client = fixture.AnonymousClient();
        using var first = await client.GetAsync(new Uri("api/docs/swagger-ui.css", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/docs/swagger-ui.css", UriKind.Relative));
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var second = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal(TimeSpan.FromHours(1), first.Headers.CacheControl?.MaxAge);
    }

    [Fact]
    public async Task GetDocsAsset_AcceptGzip_ReturnsGzipOfThePlainFile()
    {
        using var client = fixture.AnonymousClient();
        var plain = await client.GetByteArrayAsync(new Uri("api/docs/swagger-ui-bundle.js", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/docs/swagger-ui-bundle.js", UriKind.Relative));
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));

        using var response = await client.SendAsync(request);
        var packed = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        using var gzip = new GZipStream(new MemoryStream(packed), CompressionMode.Decompress);
        using var unpacked = new MemoryStream();
        await gzip.CopyToAsync(unpacked);
        Assert.Equal(plain, unpacked.ToArray());
    }

    [Fact]
    public async Task GetOpenApi_NoToken_DeclaresHttpBearerForTheAuthorizeBox()
    {
        using var client = fixture.AnonymousClient();

        var (status, document) = await ApiCalls.GetAsync(client, "api/openapi.json");

        Assert.Equal(HttpStatusCode.OK, status);
        var scheme = document!["components"]!["securitySchemes"]!["HTTPBearer"]!;
        Assert.Equal("http", scheme["type"]!.GetValue<string>());
        Assert.Equal("bearer", scheme["scheme"]!.GetValue<string>());
        Assert.NotNull(document["paths"]!["/api/v1/tasks/"]!["post"]!["security"]![0]!["HTTPBearer"]);
    }

    private static async Task<(string? ContentType, string Body)> GetOkAsync(HttpClient client, Uri url)
    {
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 200)]}");
        return (response.Content.Headers.ContentType?.MediaType, body);
    }

    private static string ExpectedType(Uri url) => Path.GetExtension(url.AbsolutePath) switch
    {
        ".css" => "text/css",
        ".js" => "text/javascript",
        ".png" => "image/png",
        ".html" => "text/html",
        ".json" => "application/json",
        var other => throw new InvalidOperationException($"the page references an unexpected kind of file: {url} ({other})"),
    };

    [GeneratedRegex(@"<base\s+href=""(?<url>[^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex BaseHref();

    [GeneratedRegex(@"<(?:script|link|img)\b[^>]*?\s(?:src|href)=""(?<url>[^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlReferences();

    [GeneratedRegex(@"url\(\s*['""]?(?<url>[^'"")]+)['""]?\s*\)")]
    private static partial Regex CssReferences();

    [GeneratedRegex(@"""url""\s*:\s*""(?<url>[^""]+)""")]
    private static partial Regex ConfiguredUrls();
}
