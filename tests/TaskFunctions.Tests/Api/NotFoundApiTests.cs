using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using TaskFunctions.Core.Api;

namespace TaskFunctions.Tests.Api;

public sealed class NotFoundApiTests
{
    [Fact]
    public async Task Answer_UnknownPath_Returns404DetailWithoutAllow()
    {
        var (status, headers, body) = await ExecuteAsync("GET", "v1/nope");

        Assert.Equal(StatusCodes.Status404NotFound, status);
        Assert.Equal("""{"detail":"Not Found"}""", body);
        Assert.False(headers.ContainsKey("Allow"));
    }

    [Fact]
    public async Task Answer_KnownPathOtherMethod_Returns405DetailWithAllow()
    {
        var (status, headers, body) = await ExecuteAsync("PATCH", "v1/tasks/abc");

        Assert.Equal(StatusCodes.Status405MethodNotAllowed, status);
        Assert.Equal("""{"detail":"Method Not Allowed"}""", body);
        Assert.Equal("GET, PUT, DELETE", headers["Allow"].ToString());
    }

    [Fact]
    public async Task Answer_NoPath_Returns404()
    {
        var (status, _, body) = await ExecuteAsync("POST", null);

        Assert.Equal(StatusCodes.Status404NotFound, status);
        Assert.Equal("Not Found", JsonNode.Parse(body)!["detail"]!.GetValue<string>());
    }

    private static async Task<(int Status, IHeaderDictionary Headers, string Body)> ExecuteAsync(string method, string? path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = "/api/" + path;
        var body = new MemoryStream();
        context.Response.Body = body;

        await NotFoundApi.Answer(context.Request, path).ExecuteAsync(context);

        Assert.Equal("application/json", context.Response.ContentType);
        return (context.Response.StatusCode, context.Response.Headers, System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }
}
