using Microsoft.DurableTask.Client;
using TaskFunctions.Core.Api;
using TaskFunctions.Core.OpenApi;

namespace TaskFunctions.SelfHost;

/// <summary>Maps the seed's routes onto Core's handlers (the Functions app maps the same ones as triggers).</summary>
public static class TasksEndpoints
{
    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var tasks = app.MapGroup("/api/v1/tasks");

        // Literal "generation" routes are more specific than "{task_id}", so routing prefers them.
        tasks.MapPost("/generation", (HttpRequest r, TasksApi api, DurableTaskClient c) => api.CreateAsync(r, c, generationRoute: true));
        tasks.MapGet("/generation", (HttpRequest r, TasksApi api) => api.ListAsync(r, generationRoute: true));
        tasks.MapGet("/generation/{task_id}", (HttpRequest r, string task_id, TasksApi api) => api.GetAsync(r, task_id, generationRoute: true));
        tasks.MapPut("/generation/{task_id}", (HttpRequest r, string task_id, TasksApi api, DurableTaskClient c) => api.UpdateAsync(r, task_id, c, generationRoute: true));
        tasks.MapPost("/generation/{task_id}/cancel", (HttpRequest r, string task_id, TasksApi api, DurableTaskClient c) => api.CancelAsync(r, task_id, c, generationRoute: true));

        tasks.MapPost("/", (HttpRequest r, TasksApi api, DurableTaskClient c) => api.CreateAsync(r, c, generationRoute: false));
        tasks.MapGet("/", (HttpRequest r, TasksApi api) => api.ListAsync(r, generationRoute: false));
        tasks.MapGet("/{task_id}", (HttpRequest r, string task_id, TasksApi api) => api.GetAsync(r, task_id, generationRoute: false));
        tasks.MapPut("/{task_id}", (HttpRequest r, string task_id, TasksApi api, DurableTaskClient c) => api.UpdateAsync(r, task_id, c, generationRoute: false));
        tasks.MapDelete("/{task_id}", (HttpRequest r, string task_id, TasksApi api, DurableTaskClient c) => api.DeleteAsync(r, task_id, c));
        tasks.MapPost("/{task_id}/cancel", (HttpRequest r, string task_id, TasksApi api, DurableTaskClient c) => api.CancelAsync(r, task_id, c, generationRoute: false));
        tasks.MapGet("/{task_id}/webhook", (HttpRequest r, string task_id, TasksApi api) => api.GetWebhookAsync(r, task_id));
        tasks.MapGet("/{task_id}/files/{*path}", (HttpRequest r, string task_id, string? path, TasksApi api) => api.GetFileAsync(r, task_id, path));
        tasks.MapPost("/{task_id}/cleanup", (HttpRequest r, string task_id, TasksApi api, DurableTaskClient c) => api.CleanupAsync(r, task_id, c));

        app.MapGet("/api/health", (HttpContext context, HealthApi health) => health.CheckAsync(context.RequestAborted));
        app.MapGet("/api/openapi.json", () => ApiResult.Json(StatusCodes.Status200OK, OpenApiDocumentBuilder.BuildUtf8()));
        app.MapGet("/api/docs", (HttpRequest r) => ApiDocs.Serve(r, asset: null));
        app.MapGet("/api/docs/{*asset}", (HttpRequest r, string? asset) => ApiDocs.Serve(r, asset));
        return app;
    }
}
