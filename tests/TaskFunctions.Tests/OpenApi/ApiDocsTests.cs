using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TaskFunctions.Core.Api;
using TaskFunctions.Core.OpenApi;

namespace TaskFunctions.Tests.OpenApi;

/// <summary>The docs page served from the swagger-ui package's embedded files, without a host.</summary>
public sealed class ApiDocsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("index.html")]
    public void Serve_PageName_ReturnsHtmlWithBaseUrlAndNoCache(string? asset)
    {
        var answer = ApiDocs.Serve(Request(), asset);

        var html = Text(answer);
        Assert.Equal(StatusCodes.Status200OK, answer.StatusCode);
        Assert.Equal("text/html; charset=utf-8", answer.ContentType);
        Assert.Contains("<head>\n    <base href=\"/api/docs/\">", html, StringComparison.Ordinal);
        Assert.Contains("<title>TaskFunctions Tasks API</title>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"./swagger-ui.css\"", html, StringComparison.Ordinal);
        Assert.Contains("src=\"./swagger-ui-bundle.js\"", html, StringComparison.Ordinal);
        Assert.Equal("no-cache", answer.Headers["Cache-Control"]);
        Assert.Equal("nosniff", answer.Headers["X-Content-Type-Options"]);
    }

    [Theory]
    [InlineData("index.html")]
    [InlineData("index.js")]
    public void Serve_Template_LeavesNoPlaceholderAndNoByteOrderMark(string asset)
    {
        var answer = ApiDocs.Serve(Request(), asset);

        var body = answer.Body!;
        Assert.DoesNotContain("%(", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
        Assert.False(body is [0xEF, 0xBB, 0xBF, ..], "the answer starts with a byte order mark");
    }

    [Fact]
    public void Serve_IndexJs_LoadsTheOpenApiDocumentAndKeepsTheToken()
    {
        var script = Text(ApiDocs.Serve(Request(), "index.js"));

        var start = script.IndexOf("var configObject = ", StringComparison.Ordinal) + "var configObject = ".Length;
        var end = script.IndexOf('\n', start);
        using var config = JsonDocument.Parse(script[start..end].Trim().TrimEnd(';'));
        var urls = config.RootElement.GetProperty("urls").EnumerateArray().Select(u => u.GetProperty("url").GetString()).ToList();
        Assert.Equal(["/api/openapi.json"], urls);
        Assert.True(config.RootElement.GetProperty("persistAuthorization").GetBoolean());
    }

    [Theory]
    [InlineData("swagger-ui.css", "text/css; charset=utf-8")]
    [InlineData("swagger-ui-bundle.js", "text/javascript; charset=utf-8")]
    [InlineData("swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8")]
    [InlineData("index.css", "text/css; charset=utf-8")]
    [InlineData("favicon-32x32.png", "image/png")]
    [InlineData("favicon-16x16.png", "image/png")]
    [InlineData("oauth2-redirect.html", "text/html; charset=utf-8")]
    public void Serve_PackageAsset_ReturnsItWithContentTypeETagAndCaching(string asset, string contentType)
    {
        var answer = ApiDocs.Serve(Request(), asset);

        Assert.Equal(StatusCodes.Status200OK, answer.StatusCode);
        Assert.Equal(contentType, answer.ContentType);
        Assert.NotEmpty(answer.Body!);
        Assert.StartsWith("W/\"", answer.Headers["ETag"], StringComparison.Ordinal);
        Assert.Equal("public, max-age=3600", answer.Headers["Cache-Control"]);
        Assert.False(answer.Headers.ContainsKey("Content-Encoding"));
    }

    [Theory]
    [InlineData("nope.js")]
    [InlineData("../index.html")]
    [InlineData("INDEX.HTML")]
    [InlineData("index.html/")]
    [InlineData("node_modules.swagger_ui_dist.swagger-ui.css")]
    public void Serve_UnknownAsset_Returns404Detail(string asset)
    {
        var answer = ApiDocs.Serve(Request(), asset);

        Assert.Equal(StatusCodes.Status404NotFound, answer.StatusCode);
        Assert.Equal("application/json", answer.ContentType);
        Assert.Equal("""{"detail":"Not Found"}""", Encoding.UTF8.GetString(answer.Body!));
    }

    [Fact]
    public void Serve_CurrentETagInIfNoneMatch_Returns304WithoutBody()
    {
        var etag = ApiDocs.Serve(Request(), "swagger-ui.css").Headers["ETag"];

        var answer = ApiDocs.Serve(Request(ifNoneMatch: "\"other\", " + etag), "swagger-ui.css");

        Assert.Equal(StatusCodes.Status304NotModified, answer.StatusCode);
        Assert.Null(answer.Body);
        Assert.Equal(etag, answer.Headers["ETag"]);
    }

    [Fact]
    public void Serve_StaleETagInIfNoneMatch_Returns200()
    {
        var answer = ApiDocs.Serve(Request(ifNoneMatch: "W/\"stale\""), "swagger-ui.css");

        Assert.Equal(StatusCodes.Status200OK, answer.StatusCode);
    }

    [Fact]
    public void Serve_ClientAcceptsGzip_ReturnsThePackagesGzipOfTheSameBytes()
    {
        var plain = ApiDocs.Serve(Request(), "swagger-ui-bundle.js");

        var packed = ApiDocs.Serve(Request(acceptEncoding: "gzip, deflate, br"), "swagger-ui-bundle.js");

        Assert.Equal("gzip", packed.Headers["Content-Encoding"]);
        Assert.Equal("Accept-Encoding", packed.Headers["Vary"]);
        Assert.Equal("Accept-Encoding", plain.Headers["Vary"]);
        Assert.Equal(plain.Headers["ETag"], packed.Headers["ETag"]);
        Assert.True(packed.Body!.Length < plain.Body!.Length);
        Assert.Equal(plain.Body, Gunzip(packed.Body));
    }

    [Fact]
    public void Serve_TemplateAndClientAcceptsGzip_ReturnsPlainBytes()
    {
        var answer = ApiDocs.Serve(Request(acceptEncoding: "gzip"), "index.html");

        Assert.False(answer.Headers.ContainsKey("Content-Encoding"));
        Assert.Contains("<html", Text(answer), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("identity", false)]
    [InlineData("gzip", true)]
    [InlineData("GZIP", true)]
    [InlineData("deflate, gzip;q=0.5", true)]
    [InlineData("gzip;q=0", false)]
    [InlineData("gzip;q=0.000", false)]
    [InlineData("gzip;q=nonsense", false)]
    [InlineData("*", true)]
    [InlineData("*;q=0", false)]
    [InlineData("*;q=0, gzip", true)]
    [InlineData("gzip;q=0, *", false)]
    public void AcceptsGzip_Header_ReadsNamedThenWildcardQuality(string? header, bool expected)
    {
        Assert.Equal(expected, ApiDocsAsset.AcceptsGzip(header));
    }

    [Fact]
    public void RenderTemplate_UnknownPlaceholder_ThrowsNamingIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ApiDocs.RenderTemplate("index.js", "var x = %(SomethingNew);"));

        Assert.Contains("%(SomethingNew)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderTemplate_PageWithoutHead_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => ApiDocs.RenderTemplate(ApiDocs.PageName, "<html><body>%(DocumentTitle)</body></html>"));
    }

    [Fact]
    public void Load_AssemblyWithoutSwaggerUi_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => ApiDocs.Load(typeof(ApiResult).Assembly));
    }

    [Theory]
    [InlineData("a.HTML", "text/html; charset=utf-8")]
    [InlineData("a.js", "text/javascript; charset=utf-8")]
    [InlineData("a.css", "text/css; charset=utf-8")]
    [InlineData("a.png", "image/png")]
    [InlineData("a.js.map", "application/json")]
    [InlineData("LICENSE", "text/plain; charset=utf-8")]
    public void ContentTypeOf_Extension_MapsToType(string name, string expected)
    {
        Assert.Equal(expected, ApiDocs.ContentTypeOf(name));
    }

    private static HttpRequest Request(string? ifNoneMatch = null, string? acceptEncoding = null)
    {
        var context = new DefaultHttpContext();
        if (ifNoneMatch is not null)
        {
            context.Request.Headers.IfNoneMatch = ifNoneMatch;
        }

        if (acceptEncoding is not null)
        {
            context.Request.Headers.AcceptEncoding = acceptEncoding;
        }

        return context.Request;
    }

    private static string Text(ApiResult answer) => Encoding.UTF8.GetString(answer.Body!);

    private static byte[] Gunzip(byte[] packed)
    {
        using var gzip = new GZipStream(new MemoryStream(packed), CompressionMode.Decompress);
        using var copy = new MemoryStream();
        gzip.CopyTo(copy);
        return copy.ToArray();
    }
}
