using System.Net;
using System.Text.Json.Nodes;
using TaskFunctions.Core.Api;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.EndToEnd;

/// <summary>
/// The self-host routes as <see cref="ApiRoutes"/> says: a method and path the table serves reaches its handler, and
/// anything else is the fallback's FastAPI 404, or 405 with exactly the Allow the Core matcher computes.
/// </summary>
[Collection(SelfHostCollection.Name)]
public sealed class RoutingTests(SelfHostFixture fixture)
{
    private const string Id = "3f2b8c1e-9a4d-4e57-8b1a-2c6d0e9f7a15";

    public static TheoryData<string, string> Requests => new()
    {
        { "GET", "api/v1/tasks/generation" },
        { "GET", "api/v1/tasks/generation/" },
        { "GET", "api/V1/TASKS/" },
        { "GET", "api/v1/tasks/" + Id + "/" },
        { "GET", "api/v1/tasks/" + Id + "/files/a/b.png" },
        { "GET", "api/v1/tasks/generation/" + Id },
        { "POST", "api/v1/tasks/" + Id + "/cancel" },
        { "PUT", "api/v1/tasks/generation" },
        { "PATCH", "api/v1/tasks/abc" },
        { "HEAD", "api/v1/tasks/" + Id },
        { "OPTIONS", "api/v1/tasks" },
        { "DELETE", "api/v1/tasks/" },
        { "PATCH", "api/v1/tasks/generation" },
        { "DELETE", "api/v1/tasks/generation/" + Id },
        { "POST", "api/v1/tasks/generation/cancel" },
        { "GET", "api/v1/tasks/" + Id + "/cancel" },
        { "DELETE", "api/v1/tasks/" + Id + "/files/a/b.png" },
        { "POST", "api/health" },
        { "PUT", "api/openapi.json" },
        { "PATCH", "API/v1/tasks" },
        { "PATCH", "api/v1/tasks/a%2Fb" },
        { "GET", "api" },
        { "GET", "api/" },
        { "GET", "api/v1/nope" },
        { "POST", "api/v2/tasks/" },
        { "GET", "api/v1/tasks//" },
        { "GET", "api/v1//tasks" },
        { "GET", "api/v1/tasks/" + Id + "/cancel/now" },
        { "DELETE", "api/health/x" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Send_MethodAndPath_AnsweredAsTheRouteTableSays(string method, string path)
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        var relative = path.Length > 3 ? path[4..] : string.Empty; // below "api/"; %2F stays encoded, as in routing
        var expected = ApiRouteMatcher.Match(method, relative);

        using var response = await client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        var detail = text.Length > 0 && JsonNode.Parse(text) is JsonObject json && json["detail"] is JsonValue value ? value.GetValue<string>() : null;
        var allow = response.Content.Headers.TryGetValues("Allow", out var values) ? string.Join(", ", values) : null;
        if (expected.Route is not null)
        {
            Assert.False(response.StatusCode == HttpStatusCode.MethodNotAllowed || detail == "Not Found", $"{method} {path}: {(int)response.StatusCode} {text}");
        }
        else if (expected.IsMethodNotAllowed)
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.Equal(method == "HEAD" ? null : "Method Not Allowed", detail);
            Assert.Equal(expected.Allow, allow);
        }
        else
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(method == "HEAD" ? null : "Not Found", detail);
            Assert.Null(allow);
        }
    }
}
