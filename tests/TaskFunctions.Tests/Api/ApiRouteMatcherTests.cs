using TaskFunctions.Core.Api;

namespace TaskFunctions.Tests.Api;

public sealed class ApiRouteMatcherTests
{
    private const string Id = "3f2b8c1e-9a4d-4e57-8b1a-2c6d0e9f7a15";

    /// <summary>Method, path below /api, expected function name (null: none), expected Allow ("" for a 404).</summary>
    public static TheoryData<string, string, string?, string> Cases => new()
    {
        // Real routes, the more specific template winning where two match.
        { "GET", "v1/tasks", ApiRoutes.ListTasks.Name, "GET, POST" },
        { "POST", "v1/tasks/", ApiRoutes.CreateTask.Name, "GET, POST" },
        { "GET", "v1/tasks/generation", ApiRoutes.GetGenerationTaskList.Name, "GET, POST, PUT, DELETE" },
        { "POST", "v1/tasks/generation/", ApiRoutes.CreateGenerationTask.Name, "GET, POST, PUT, DELETE" },
        { "GET", "v1/tasks/generation/" + Id, ApiRoutes.GetGenerationTask.Name, "GET, PUT" },
        { "PUT", "v1/tasks/generation/" + Id, ApiRoutes.UpdateGenerationTask.Name, "GET, PUT" },
        { "POST", "v1/tasks/generation/" + Id + "/cancel", ApiRoutes.CancelGenerationTask.Name, "POST" },
        { "GET", "v1/tasks/abc", ApiRoutes.GetTask.Name, "GET, PUT, DELETE" },
        { "PUT", "v1/tasks/" + Id + "/", ApiRoutes.UpdateTask.Name, "GET, PUT, DELETE" },
        { "delete", "V1/Tasks/" + Id, ApiRoutes.DeleteTask.Name, "GET, PUT, DELETE" },
        { "POST", "v1/tasks/" + Id + "/cancel", ApiRoutes.CancelTask.Name, "POST" },
        { "POST", "v1/tasks/" + Id + "/cleanup", ApiRoutes.CleanupTask.Name, "POST" },
        { "GET", "v1/tasks/" + Id + "/webhook", ApiRoutes.GetTaskWebhook.Name, "GET" },
        { "GET", "v1/tasks/abc/files/a/b.png", ApiRoutes.GetTaskFile.Name, "GET" },
        { "GET", "/v1/tasks/abc/files/result.png", ApiRoutes.GetTaskFile.Name, "GET" },
        { "GET", "v1/tasks/abc/files", ApiRoutes.GetTaskFile.Name, "GET" },
        { "GET", "v1/tasks/generation/webhook", ApiRoutes.GetGenerationTask.Name, "GET, PUT" },
        { "PUT", "v1/tasks/generation", ApiRoutes.UpdateTask.Name, "GET, POST, PUT, DELETE" },
        { "POST", "v1/tasks/generation/cancel", ApiRoutes.CancelTask.Name, "GET, POST, PUT" },
        { "GET", "health", ApiRoutes.Health.Name, "GET" },
        { "GET", "openapi.json", ApiRoutes.OpenApiDocument.Name, "GET" },

        // A path some route has, under another method: 405 with every method the path has.
        { "PATCH", "v1/tasks/abc", null, "GET, PUT, DELETE" },
        { "HEAD", "v1/tasks/" + Id, null, "GET, PUT, DELETE" },
        { "DELETE", "v1/tasks/", null, "GET, POST" },
        { "PATCH", "v1/tasks/generation", null, "GET, POST, PUT, DELETE" },
        { "DELETE", "v1/tasks/generation/" + Id, null, "GET, PUT" },
        { "GET", "v1/tasks/" + Id + "/cancel", null, "POST" },
        { "PUT", "v1/tasks/" + Id + "/cleanup", null, "POST" },
        { "POST", "v1/tasks/" + Id + "/webhook", null, "GET" },
        { "DELETE", "v1/tasks/abc/files/a/b.png", null, "GET" },
        { "POST", "health", null, "GET" },
        { "DELETE", "openapi.json", null, "GET" },

        // No template matches: 404.
        { "GET", "", null, "" },
        { "GET", "v1", null, "" },
        { "GET", "v1/nope", null, "" },
        { "GET", "v2/tasks", null, "" },
        { "GET", "v1/tasks/" + Id + "/cancel/now", null, "" },
        { "POST", "v1/tasks/generation/" + Id + "/cancel/now", null, "" },
        { "GET", "v1/tasks//", null, "" },
        { "GET", "v1//tasks", null, "" },
        { "GET", "v1/tasks//webhook", null, "" },
        { "GET", "health/x", null, "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Match_MethodAndPath_ReturnsRouteOrAllowedMethods(string method, string path, string? route, string allow)
    {
        var match = ApiRouteMatcher.Match(method, path);

        Assert.Equal(route, match.Route?.Name);
        Assert.Equal(allow, match.Allow);
        Assert.Equal(route is null && allow.Length > 0, match.IsMethodNotAllowed);
        Assert.Equal(allow.Length == 0, match.IsNotFound);
    }

    [Theory]
    [InlineData(ApiRoutes.Tasks, "v1/tasks/", true)]
    [InlineData(ApiRoutes.Tasks, "/v1/tasks", true)]
    [InlineData(ApiRoutes.TaskById, "v1/tasks/x/", true)]
    [InlineData(ApiRoutes.TaskById, "v1/tasks/", false)]
    [InlineData(ApiRoutes.TaskFile, "v1/tasks/x/files/a//b/", true)]
    [InlineData(ApiRoutes.TaskFile, "v1/tasks//files/a", false)]
    [InlineData(ApiRoutes.Anything, "", true)]
    [InlineData(ApiRoutes.Anything, "any/thing/at/all", true)]
    public void IsMatch_TemplateAndPath_FollowsHostRouting(string template, string path, bool expected)
    {
        Assert.Equal(expected, ApiRouteMatcher.IsMatch(template, path));
    }

    [Theory]
    [InlineData("v1/{id:guid}")]
    [InlineData("v1/{id?}")]
    [InlineData("v1/{*rest}/more")]
    [InlineData("v1//tasks")]
    [InlineData("v1/x{id}")]
    public void IsMatch_TemplateOutsideTheSupportedSyntax_Throws(string template)
    {
        Assert.Throws<ArgumentException>(() => ApiRouteMatcher.IsMatch(template, "v1/x"));
    }
}
