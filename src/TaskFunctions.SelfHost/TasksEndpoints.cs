using Microsoft.DurableTask.Client;
using TaskFunctions.Core.Api;
using TaskFunctions.Core.OpenApi;

namespace TaskFunctions.SelfHost;

/// <summary>Maps every route of <see cref="ApiRoutes"/> onto its Core handler (the Functions app declares the same ones as triggers).</summary>
public static class TasksEndpoints
{
    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        foreach (var route in ApiRoutes.All)
        {
            // ASP.NET Core's precedence puts literals before parameters and the fallback's catch-all after everything,
            // whatever the order of mapping.
            var pattern = "/" + ApiRoutes.Prefix + "/" + route.Template;
            var handler = Handler(route);
            var endpoint = route.Method is { } method ? app.MapMethods(pattern, [method], handler) : app.Map(pattern, handler);
            endpoint.WithName(route.Name);
        }

        return app;
    }

    /// <summary>The Core handler of a route, given the route itself as its description.</summary>
    private static Delegate Handler(ApiRoute route) => route.Operation switch
    {
        ApiOperation.CreateTask => (HttpRequest r, TasksApi api, DurableTaskClient c) => api.CreateAsync(r, c, route),
        ApiOperation.ListTasks => (HttpRequest r, TasksApi api) => api.ListAsync(r, route),
        ApiOperation.GetTask => (HttpRequest r, string task_id, TasksApi api) => api.GetAsync(r, task_id, route),
        ApiOperation.UpdateTask => (HttpRequest r, string task_id, TasksApi api, DurableTaskClient c) => api.UpdateAsync(r, task_id, c, route),
        ApiOperation.DeleteTask => (HttpRequest r, string task_id, TasksApi api, DurableTaskClient c) => api.DeleteAsync(r, task_id, c, route),
        ApiOperation.CancelTask => (HttpRequest r, string task_id, TasksApi api, DurableTaskClient c) => api.CancelAsync(r, task_id, c, route),
        ApiOperation.CleanupTask => (HttpRequest r, string task_id, TasksApi api, DurableTaskClient c) => api.CleanupAsync(r, task_id, c, route),
        ApiOperation.GetTaskWebhook => (HttpRequest r, string task_id, TasksApi api) => api.GetWebhookAsync(r, task_id, route),
        ApiOperation.GetTaskFile => (HttpRequest r, string task_id, string? path, TasksApi api) => api.GetFileAsync(r, task_id, path, route),
        ApiOperation.Health => (HttpContext context, HealthApi health) => health.CheckAsync(context.RequestAborted),
        ApiOperation.OpenApiDocument => () => ApiResult.Json(StatusCodes.Status200OK, OpenApiDocumentBuilder.BuildUtf8()),
        ApiOperation.Docs when route.Template == ApiRoutes.DocsPage => (HttpRequest r) => ApiDocs.Serve(r, asset: null),
        ApiOperation.Docs => (HttpRequest r, string? asset) => ApiDocs.Serve(r, asset),
        ApiOperation.NotFound => (HttpRequest r, string? path) => NotFoundApi.Answer(r, path),
        _ => throw new InvalidOperationException($"Route {route.Name} has no handler for {route.Operation}."),
    };
}
