using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using TaskFunctions.Core.Api;
using TaskFunctions.Core.OpenApi;

namespace TaskFunctions;

/// <summary>
/// HTTP triggers of /api: each a one-liner into Core (auth runs in Core, hence Anonymous), passing its own entry of
/// <see cref="ApiRoutes"/>. The attributes need constants, so they repeat name and method; FunctionsMetadataTests holds
/// the generated functions.metadata equal to the table.
/// </summary>
public sealed class TasksHttpFunctions(TasksApi api, HealthApi health)
{
    [Function("CreateTask")]
    public async Task<IActionResult> CreateTask([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Tasks)] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        await api.CreateAsync(request, client, ApiRoutes.CreateTask);

    [Function("ListTasks")]
    public async Task<IActionResult> ListTasks([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Tasks)] HttpRequest request) =>
        await api.ListAsync(request, ApiRoutes.ListTasks);

    [Function("GetTask")]
    public async Task<IActionResult> GetTask([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.TaskById)] HttpRequest request, string task_id) =>
        await api.GetAsync(request, task_id, ApiRoutes.GetTask);

    [Function("UpdateTask")]
    public async Task<IActionResult> UpdateTask([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = ApiRoutes.TaskById)] HttpRequest request, string task_id, [DurableClient] DurableTaskClient client) =>
        await api.UpdateAsync(request, task_id, client, ApiRoutes.UpdateTask);

    [Function("DeleteTask")]
    public async Task<IActionResult> DeleteTask([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = ApiRoutes.TaskById)] HttpRequest request, string task_id, [DurableClient] DurableTaskClient client) =>
        await api.DeleteAsync(request, task_id, client, ApiRoutes.DeleteTask);

    [Function("GetTaskWebhook")]
    public async Task<IActionResult> GetTaskWebhook([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.TaskWebhook)] HttpRequest request, string task_id) =>
        await api.GetWebhookAsync(request, task_id, ApiRoutes.GetTaskWebhook);

    [Function("GetTaskFile")]
    public async Task<IActionResult> GetTaskFile([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.TaskFile)] HttpRequest request, string task_id, string? path) =>
        await api.GetFileAsync(request, task_id, path, ApiRoutes.GetTaskFile);

    [Function("CancelTask")]
    public async Task<IActionResult> CancelTask([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.TaskCancel)] HttpRequest request, string task_id, [DurableClient] DurableTaskClient client) =>
        await api.CancelAsync(request, task_id, client, ApiRoutes.CancelTask);

    [Function("CleanupTask")]
    public async Task<IActionResult> CleanupTask([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.TaskCleanup)] HttpRequest request, string task_id, [DurableClient] DurableTaskClient client) =>
        await api.CleanupAsync(request, task_id, client, ApiRoutes.CleanupTask);

    [Function("CreateGenerationTask")]
    public async Task<IActionResult> CreateGenerationTask([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.GenerationTasks)] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        await api.CreateAsync(request, client, ApiRoutes.CreateGenerationTask);

    // Not "ListGenerationTasks": the host tries routes in name order and GetTask (v1/tasks/{task_id}) would take the path.
    [Function("GetGenerationTaskList")]
    public async Task<IActionResult> GetGenerationTaskList([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.GenerationTasks)] HttpRequest request) =>
        await api.ListAsync(request, ApiRoutes.GetGenerationTaskList);

    [Function("GetGenerationTask")]
    public async Task<IActionResult> GetGenerationTask([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.GenerationTaskById)] HttpRequest request, string task_id) =>
        await api.GetAsync(request, task_id, ApiRoutes.GetGenerationTask);

    [Function("UpdateGenerationTask")]
    public async Task<IActionResult> UpdateGenerationTask([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = ApiRoutes.GenerationTaskById)] HttpRequest request, string task_id, [DurableClient] DurableTaskClient client) =>
        await api.UpdateAsync(request, task_id, client, ApiRoutes.UpdateGenerationTask);

    [Function("CancelGenerationTask")]
    public async Task<IActionResult> CancelGenerationTask([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.GenerationTaskCancel)] HttpRequest request, string task_id, [DurableClient] DurableTaskClient client) =>
        await api.CancelAsync(request, task_id, client, ApiRoutes.CancelGenerationTask);

    [Function("OpenApiDocument")]
    public IActionResult OpenApiDocument([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.OpenApiJson)] HttpRequest request) =>
        ApiResult.Json(StatusCodes.Status200OK, OpenApiDocumentBuilder.BuildUtf8());

    [Function(nameof(ApiRoutes.Docs))]
    public IActionResult Docs([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.DocsPage)] HttpRequest request) =>
        ApiDocs.Serve(request, asset: null);

    [Function(nameof(ApiRoutes.DocsAsset))]
    public IActionResult DocsAsset([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.DocsAssetPath)] HttpRequest request, string? asset) =>
        ApiDocs.Serve(request, asset);

    [Function("Health")]
    public async Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.HealthProbe)] HttpRequest request) =>
        await health.CheckAsync(request.HttpContext.RequestAborted);

    /// <summary>
    /// Every method on any path below /api that no function above took: the host's own miss is an empty 404 (and a
    /// wrong method is a miss too), so Core answers instead, from the same table. It must stay last in the host's
    /// name order (hence <see cref="ApiRoutes.NotFoundName"/>); no methods listed means every method.
    /// </summary>
    [Function(ApiRoutes.NotFoundName)]
    public IActionResult NotFound([HttpTrigger(AuthorizationLevel.Anonymous, Route = ApiRoutes.Anything)] HttpRequest request, string? path) =>
        NotFoundApi.Answer(request, path);
}
