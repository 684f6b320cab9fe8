using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using TaskFunctions.Core.Api;
using TaskFunctions.Core.OpenApi;

namespace TaskFunctions;

/// <summary>HTTP triggers of /api/v1/tasks: each a one-liner into Core (auth runs in Core, hence Anonymous).</summary>
public sealed class TasksHttpFunctions(TasksApi api, HealthApi health)
{
    private const string Tasks = "v1/tasks";

    [Function("CreateTask")]
    public async Task<IActionResult> CreateTask([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Tasks)] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        await api.CreateAsync(request, client, generationRoute: false);

    [Function("ListTasks")]
    public async Task<IActionResult> ListTasks([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Tasks)] HttpRequest request) =>
        await api.ListAsync(request, generationRoute: false);

    [Function("GetTask")]
    public async Task<IActionResult> GetTask([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Tasks + "/{task_id}")] HttpRequest request, string task_id) =>
        await api.GetAsync(request, task_id, generationRoute: false);

    [Function("UpdateTask")]
    public async Task<IActionResult> UpdateTask([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Tasks + "/{task_id}")] HttpRequest request, string task_id, [DurableClient] DurableTaskClient client) =>
        await api.UpdateAsync(request, task_id, client, generationRoute: false);

    [Function("DeleteTask")]
    public async Task<IActionResult> DeleteTask([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Tasks + "/{task_id}")] HttpRequest request, string task_id, [DurableClient] DurableTaskClient client) =>
        await api.DeleteAsync(request, task_id, client);

    [Function("GetTaskWebhook")]
    public async Task<IActionResult> GetTaskWebhook([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Tasks + "/{task_id}/webhook")] HttpRequest request, string task_id) =>
        await api.GetWebhookAsync(request, task_id);

    [Function("GetTaskFile")]
    public async Task<IActionResult> GetTaskFile([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Tasks + "/{task_id}/files/{*path}")] HttpRequest request, string task_id, string? path) =>
        await api.GetFileAsync(request, task_id, path);

    [Function("CancelTask")]
    public async Task<IActionResult> CancelTask([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Tasks + "/{task_id}/cancel")] HttpRequest request, string task_id, [DurableClient] DurableTaskClient client) =>
        await api.CancelAsync(request, task_id, client, generationRoute: false);

    [Function("CleanupTask")]
    public async Task<IActionResult> CleanupTask([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Tasks + "/{task_id}/cleanup")] HttpRequest request, string task_id, [DurableClient] DurableTaskClient client) =>
        await api.CleanupAsync(request, task_id, client);

    [Function("CreateGenerationTask")]
    public async Task<IActionResult> CreateGenerationTask([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Tasks + "/generation")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        await api.CreateAsync(request, client, generationRoute: true);

    [Function("ListGenerationTasks")]
    public async Task<IActionResult> ListGenerationTasks([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Tasks + "/generation")] HttpRequest request) =>
        await api.ListAsync(request, generationRoute: true);

    [Function("GetGenerationTask")]
    public async Task<IActionResult> GetGenerationTask([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Tasks + "/generation/{task_id}")] HttpRequest request, string task_id) =>
        await api.GetAsync(request, task_id, generationRoute: true);

    [Function("UpdateGenerationTask")]
    public async Task<IActionResult> UpdateGenerationTask([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Tasks + "/generation/{task_id}")] HttpRequest request, string task_id, [DurableClient] DurableTaskClient client) =>
        await api.UpdateAsync(request, task_id, client, generationRoute: true);

    [Function("CancelGenerationTask")]
    public async Task<IActionResult> CancelGenerationTask([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Tasks + "/generation/{task_id}/cancel")] HttpRequest request, string task_id, [DurableClient] DurableTaskClient client) =>
        await api.CancelAsync(request, task_id, client, generationRoute: true);

    [Function("OpenApiDocument")]
    public IActionResult OpenApiDocument([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        ApiResult.Json(StatusCodes.Status200OK, OpenApiDocumentBuilder.BuildUtf8());

    [Function("Docs")]
    public IActionResult Docs([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs")] HttpRequest request) =>
        ApiDocs.Serve(request, asset: null);

    [Function("DocsAsset")]
    public IActionResult DocsAsset([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs/{*asset}")] HttpRequest request, string? asset) =>
        ApiDocs.Serve(request, asset);

    [Function("Health")]
    public async Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) =>
        await health.CheckAsync(request.HttpContext.RequestAborted);
}
