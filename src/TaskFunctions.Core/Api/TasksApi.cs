using System.Diagnostics;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Auth;
using TaskFunctions.Core.Inputs;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Telemetry;
using TaskFunctions.Core.Validation;
using TaskFunctions.Core.Workflow;

namespace TaskFunctions.Core.Api;

/// <summary>
/// The /api/v1/tasks handlers, shared by the Functions app and the self-host. Every handler authenticates,
/// validates, and answers with FastAPI-compatible bodies; unexpected failures become a logged 500/503.
/// </summary>
public sealed partial class TasksApi(
    JwtAuthenticator authenticator,
    ITaskStore store,
    IIdempotencyStore idempotencyKeys,
    IBlobStore blobs,
    InputIngestor ingestor,
    TaskMutator mutator,
    JobProviderRegistry providers,
    IOptions<ApiOptions> options,
    TimeProvider time,
    ILogger<TasksApi> logger)
{
    public Task<ApiResult> CreateAsync(HttpRequest request, DurableTaskClient client, ApiRoute route) =>
        Guard(request, caller => CreateCoreAsync(request, caller, client, route));

    public Task<ApiResult> ListAsync(HttpRequest request, ApiRoute route) =>
        Guard(request, caller => ListCoreAsync(request, caller, route));

    public Task<ApiResult> GetAsync(HttpRequest request, string taskId, ApiRoute route) =>
        Guard(request, async caller =>
        {
            var (task, error) = await FindAsync(taskId, caller, route, request.HttpContext.RequestAborted);
            return error ?? ApiResult.Json(StatusCodes.Status200OK, TaskJson.SerializePublic(task!.Document));
        });

    /// <summary>Where the delivery of the task's terminal-state webhook stands (attempts, last answer, delivered or not).</summary>
    public Task<ApiResult> GetWebhookAsync(HttpRequest request, string taskId, ApiRoute route) =>
        Guard(request, async caller =>
        {
            var (task, error) = await FindAsync(taskId, caller, route, request.HttpContext.RequestAborted);
            return error ?? ApiResult.Json(StatusCodes.Status200OK, WebhookStatusJson.Serialize(task!.Document));
        });

    /// <summary>PUT; a status moved to a terminal one signals the workflow like a cancel (it stops and sends the webhook).</summary>
    public Task<ApiResult> UpdateAsync(HttpRequest request, string taskId, DurableTaskClient client, ApiRoute route) =>
        Guard(request, caller => UpdateCoreAsync(request, caller, taskId, client, route));

    public Task<ApiResult> CancelAsync(HttpRequest request, string taskId, DurableTaskClient client, ApiRoute route) =>
        Guard(request, caller => CancelCoreAsync(request, caller, taskId, client, route));

    public Task<ApiResult> CleanupAsync(HttpRequest request, string taskId, DurableTaskClient client, ApiRoute route) =>
        Guard(request, caller => CleanupCoreAsync(request, caller, taskId, client, route));

    public Task<ApiResult> DeleteAsync(HttpRequest request, string taskId, DurableTaskClient client, ApiRoute route) =>
        Guard(request, caller => DeleteCoreAsync(request, caller, taskId, client, route));

    private async Task<ApiResult> Guard(HttpRequest request, Func<CallerIdentity, Task<ApiResult>> handler)
    {
        var auth = await authenticator.AuthenticateAsync(request.Headers.Authorization.ToString(), request.HttpContext.RequestAborted);
        if (!auth.Succeeded)
        {
            var denied = ApiResult.Detail(auth.StatusCode, auth.Detail ?? "Not authenticated");
            return auth.WwwAuthenticate is { } challenge ? denied.WithHeader("WWW-Authenticate", challenge) : denied;
        }

        try
        {
            return await handler(auth.Identity!);
        }
        catch (TaskConcurrencyException ex)
        {
            // Every bounded read-modify-write round lost its race: nothing was written, the caller may try again.
            Log.ConcurrencyExhausted(logger, ex, request.Method, request.Path);
            return ApiResult.Detail(StatusCodes.Status409Conflict, "The task was modified concurrently; try again.");
        }
        catch (BadHttpRequestException ex)
        {
            return ApiResult.Detail(ex.StatusCode is >= 400 and < 500 ? ex.StatusCode : StatusCodes.Status400BadRequest, "There was an error parsing the request: " + ex.Message);
        }
        catch (RequestFailedException ex)
        {
            Log.StorageFailed(logger, ex, request.Method, request.Path);
            return ApiResult.Detail(StatusCodes.Status503ServiceUnavailable, "Storage is unavailable; try again.");
        }
        catch (OperationCanceledException) when (request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return ApiResult.Detail(499, "Client closed the request.");
        }
        catch (Exception ex)
        {
            Log.Unhandled(logger, ex, request.Method, request.Path);
            return ApiResult.Detail(StatusCodes.Status500InternalServerError, "Internal server error");
        }
    }

    private async Task<ApiResult> CreateCoreAsync(HttpRequest request, CallerIdentity caller, DurableTaskClient client, ApiRoute route)
    {
        var ct = request.HttpContext.RequestAborted;
        var (idempotencyKey, keyError) = IdempotencyKey.Read(request.Headers);
        if (keyError is not null)
        {
            return ApiResult.Validation(keyError);
        }

        var (body, bodyError) = await RequestBody.ReadJsonAsync(request, options.Value.MaxBodyBytes, ct);
        if (bodyError is not null)
        {
            return bodyError;
        }

        var parsed = TaskRequestParser.ParseCreate(body.Span, route.OnlyKind);
        if (!parsed.IsValid)
        {
            return ApiResult.Validation(parsed.Errors);
        }

        var create = parsed.Value!;
        var tenant = ResolveTenant(caller, create.OriginTenantId);
        if (tenant is null)
        {
            return ApiResult.Detail(StatusCodes.Status403Forbidden, "Cannot create a task for another tenant.");
        }

        if (idempotencyKey is not null)
        {
            return await CreateIdempotentAsync(caller, client, create, tenant, idempotencyKey, ct);
        }

        var plan = await ingestor.PlanAsync(create, ct);
        if (plan.Errors.Count > 0)
        {
            return ApiResult.Validation(plan.Errors);
        }

        return (await CreateTaskAsync(client, create, plan, tenant, Guid.NewGuid().ToString("D"), ct)).Result;
    }

    /// <summary>
    /// Stores the inputs, writes the record and schedules the orchestration of a checked request under
    /// <paramref name="taskId"/>. On failure nothing is left: a 503 when scheduling failed (<c>Created</c> false), an
    /// exception otherwise.
    /// </summary>
    private async Task<(ApiResult Result, bool Created)> CreateTaskAsync(
        DurableTaskClient client, CreateTaskBase create, InputPlan plan, string tenant, string taskId, CancellationToken ct)
    {
        var container = TaskKinds.Container(create.TaskType);
        Exception? scheduleFailure = null;

        // Runs once the record is durable (the workflow's first step reads it), alongside the store's last index
        // step; a failure is answered below, after the store has finished.
        async Task ScheduleAsync()
        {
            using var scheduling = TaskTelemetry.StartTaskActivity("orchestration.schedule", taskId, create.TaskType, create.ProviderType, ActivityKind.Producer);
            try
            {
                var input = new TaskOrchestrationInput(taskId, create.TaskType, create.ProviderType);
                await ScheduleWithRetriesAsync(client, taskId, input);
                scheduling?.Stop();
            }
            catch (Exception ex)
            {
                scheduling?.SetStatus(ActivityStatusCode.Error, ex.Message);
                scheduleFailure = ex;
            }
        }

        StoredTask stored;
        try
        {
            var paths = await ingestor.StoreAsync(plan, container, taskId, ct);
            var document = create.ToPublic(taskId, tenant, time.GetUtcNow(), paths);
            if (document.OriginTenantId is null && tenant.Length > 0)
            {
                // The caller's tenant owns the task; say so rather than leave the field empty.
                document.OriginTenantId = tenant;
            }

            stored = ToStored(document, tenant);
            await store.CreateAsync(stored, ScheduleAsync, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // A record that already exists under this id (only possible for an id taken from an Idempotency-Key
            // reservation) owns the files under its prefix: they are the same inputs, and not ours to remove.
            if (ex is not TaskConcurrencyException)
            {
                await blobs.DeletePrefixAsync(container, taskId, CancellationToken.None);
            }

            throw;
        }

        if (scheduleFailure is not null)
        {
            // No orphan record: without an orchestration the task would stay PENDING forever.
            Log.ScheduleFailed(logger, scheduleFailure, taskId);
            await store.DeleteAsync(stored, CancellationToken.None);
            await blobs.DeletePrefixAsync(container, taskId, CancellationToken.None);
            return (ApiResult.Detail(StatusCodes.Status503ServiceUnavailable, "The task could not be scheduled; nothing was created. Try again."), false);
        }

        TaskTelemetry.TaskCreated(create.TaskType, create.ProviderType);
        Activity.Current?.SetTag(TaskTelemetry.TaskIdTag, taskId);
        Log.Created(logger, taskId, create.TaskType, tenant);
        return (ApiResult.Json(StatusCodes.Status200OK, TaskJson.SerializePublic(TaskJson.DeserializeDocument(stored.Document))), true);
    }

    private async Task<ApiResult> ListCoreAsync(HttpRequest request, CallerIdentity caller, ApiRoute route)
    {
        var (query, errors) = ListQueryParser.Parse(request.Query, route.Family, options.Value.MaxListLimit);
        if (errors.Count > 0)
        {
            return ApiResult.Validation(errors);
        }

        if (caller.IsAdmin)
        {
            query = query with { Tenant = request.Query["origin_tenant_id"].FirstOrDefault() };
        }
        else
        {
            var requested = request.Query["origin_tenant_id"].FirstOrDefault();
            if (requested is not null && requested != caller.Tenant)
            {
                return ApiResult.Json(StatusCodes.Status200OK, "[]"u8.ToArray());
            }

            query = query with { Tenant = caller.Tenant };
        }

        var page = query.Limit <= 0 ? [] : await store.ListAsync(query, request.HttpContext.RequestAborted);
        using var buffer = new MemoryStream();
        buffer.WriteByte((byte)'[');
        for (var i = 0; i < page.Count; i++)
        {
            if (i > 0)
            {
                buffer.WriteByte((byte)',');
            }

            await buffer.WriteAsync(TaskJson.SerializePublic(TaskJson.DeserializeDocument(page[i].Document)), request.HttpContext.RequestAborted);
        }

        buffer.WriteByte((byte)']');
        return ApiResult.Json(StatusCodes.Status200OK, buffer.ToArray());
    }

    private async Task<ApiResult> UpdateCoreAsync(HttpRequest request, CallerIdentity caller, string taskId, DurableTaskClient client, ApiRoute route)
    {
        var ct = request.HttpContext.RequestAborted;

        // As FastAPI, a body that cannot be read as JSON is refused before the task is looked up.
        var (body, bodyError) = await RequestBody.ReadJsonAsync(request, options.Value.MaxBodyBytes, ct);
        if (bodyError is not null)
        {
            return bodyError;
        }

        var (found, error) = await FindAsync(taskId, caller, route, ct);
        if (error is not null)
        {
            return error;
        }

        var parsed = TaskRequestParser.ParseUpdate(found!.Document.TaskType, body.Span, route.Family);
        if (!parsed.IsValid)
        {
            return ApiResult.Validation(parsed.Errors);
        }

        var update = parsed.Value!;
        ApiResult? refusal = null;
        var ended = false;
        var result = await MutateAsync(found.Stored.Id, task =>
        {
            refusal = UpdateRules.Check(task, update, caller);
            if (refusal is not null)
            {
                return null;
            }

            var wasActive = !task.Status.IsTerminal();
            update.ApplyTo(task);
            ended = wasActive && task.Status.IsTerminal();
            task.UpdatedAt = time.GetUtcNow();
            if (task.Status.IsTerminal() && task.CompletedAt is null)
            {
                task.CompletedAt = task.UpdatedAt;
            }

            return task;
        }, ct);

        if (result is null)
        {
            return NotFound();
        }

        if (refusal is null && ended)
        {
            // The caller ended the task: the workflow stops waiting, cancels its provider job and sends the webhook.
            await SignalCancelAsync(client, result.Stored.Id);
        }

        return refusal ?? ApiResult.Json(StatusCodes.Status200OK, TaskJson.SerializePublic(result.Document));
    }

    private async Task<ApiResult> CancelCoreAsync(HttpRequest request, CallerIdentity caller, string taskId, DurableTaskClient client, ApiRoute route)
    {
        var ct = request.HttpContext.RequestAborted;
        var (found, error) = await FindAsync(taskId, caller, route, ct);
        if (error is not null)
        {
            return error;
        }

        var (result, conflict) = await MarkCancelledAsync(found!.Stored.Id, ct);
        if (result is null)
        {
            return NotFound();
        }

        if (conflict is not null)
        {
            return conflict;
        }

        await SignalCancelAsync(client, result.Stored.Id);
        return ApiResult.Json(StatusCodes.Status200OK, TaskJson.SerializePublic(result.Document));
    }

    private async Task<ApiResult> CleanupCoreAsync(HttpRequest request, CallerIdentity caller, string taskId, DurableTaskClient client, ApiRoute route)
    {
        var ct = request.HttpContext.RequestAborted;
        var (found, error) = await FindAsync(taskId, caller, route, ct);
        if (error is not null)
        {
            return error;
        }

        var wasActive = !found!.Document.Status.IsTerminal();
        taskId = found.Stored.Id;
        var result = await MutateAsync(taskId, task =>
        {
            var now = time.GetUtcNow();
            if (!task.Status.IsTerminal())
            {
                // Cleaning up a live task stops it first, or its workflow would write files after the cleanup.
                task.Status = TaskState.CANCELLED;
                task.ErrorCategory = ErrorCategory.CANCELLED;
                task.CompletedAt = now;
            }

            task.Internal.IsDeleted = true;
            task.Internal.DeletedAt ??= now;
            task.UpdatedAt = now;
            return task;
        }, ct);
        if (result is null)
        {
            return NotFound();
        }

        if (wasActive)
        {
            await SignalCancelAsync(client, taskId);
        }

        await blobs.DeletePrefixAsync(TaskKinds.Container(result.Document.TaskType), taskId, CancellationToken.None);
        return ApiResult.Json(StatusCodes.Status200OK, TaskJson.SerializePublic(result.Document));
    }

    private async Task<ApiResult> DeleteCoreAsync(HttpRequest request, CallerIdentity caller, string taskId, DurableTaskClient client, ApiRoute route)
    {
        var ct = request.HttpContext.RequestAborted;
        var (found, error) = await FindAsync(taskId, caller, route, ct);
        if (error is not null)
        {
            return error;
        }

        taskId = found!.Stored.Id;
        await OrchestrationCleanup.TerminateAndPurgeAsync(client, taskId, logger);

        // The workflow is gone; a provider job it left running would still bill and never be fetched: cancel it (read
        // after the terminate, so a job submitted in between is seen too).
        var latest = await store.GetAsync(taskId, CancellationToken.None);
        if (latest is not null && TaskJson.DeserializeDocument(latest.Document).Internal.ActiveJob is { } active)
        {
            await CancelProviderJobAsync(taskId, active.Job);
        }

        await blobs.DeletePrefixAsync(TaskKinds.Container(found.Document.TaskType), taskId, CancellationToken.None);
        await store.DeleteAsync(found.Stored, CancellationToken.None);
        Log.Deleted(logger, taskId);
        return ApiResult.Json(StatusCodes.Status200OK, TaskJson.SerializePublic(found.Document));
    }

    private async Task<(MutationResult? Result, ApiResult? Conflict)> MarkCancelledAsync(string taskId, CancellationToken ct)
    {
        ApiResult? conflict = null;
        var result = await MutateAsync(taskId, task =>
        {
            conflict = null;
            if (task.Status.IsTerminal())
            {
                conflict = ApiResult.Detail(StatusCodes.Status409Conflict, $"Task is already {task.Status} and cannot be cancelled.");
                return null;
            }

            var now = time.GetUtcNow();
            task.Status = TaskState.CANCELLED;
            task.ErrorCategory = ErrorCategory.CANCELLED;
            task.CompletedAt = now;
            task.UpdatedAt = now;
            return task;
        }, ct);
        return (result, conflict);
    }

    /// <summary>
    /// <see cref="TaskMutator"/> re-reads and re-applies on every lost ETag race, up to its own bound; under a burst of
    /// writers on one task even that can run out, so whole rounds are repeated after a short random pause (spreading the
    /// writers out) before the request is answered 409. <paramref name="mutate"/> always decides on fresh state.
    /// </summary>
    private async Task<MutationResult?> MutateAsync(string taskId, Func<TaskPublicBase, TaskPublicBase?> mutate, CancellationToken ct)
    {
        for (var round = 1; ; round++)
        {
            try
            {
                return await mutator.MutateAsync(taskId, mutate, ct);
            }
            catch (TaskConcurrencyException) when (round < MutationRounds)
            {
#pragma warning disable CA5394 // retry jitter, not a secret
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 40) * round), ct);
#pragma warning restore CA5394
            }
        }
    }

    /// <summary>
    /// Schedules the task's orchestration; a transient failure of the Durable backend (a sidecar still warming up, a
    /// storage hiccup) is retried twice within about a second. Before each retry the instance is looked up: a first call
    /// that did land but whose answer was lost must not be reported as a failure (the record would be removed under a
    /// running workflow).
    /// </summary>
    private static async Task ScheduleWithRetriesAsync(DurableTaskClient client, string taskId, TaskOrchestrationInput input)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await client.ScheduleNewOrchestrationInstanceAsync(
                    TaskNames.TaskOrchestration, input, new StartOrchestrationOptions { InstanceId = taskId }, CancellationToken.None);
                return;
            }
            catch (Exception ex) when (attempt < ScheduleAttempts && ex is not (OperationCanceledException or ArgumentException))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(300 * attempt));
                try
                {
                    if (await client.GetInstanceAsync(taskId, getInputsAndOutputs: false, CancellationToken.None) is not null)
                    {
                        return;
                    }
                }
                catch (Exception lookup) when (lookup is not OperationCanceledException)
                {
                    // Still unreachable: the next attempt says so.
                }
            }
        }
    }

    /// <summary>Best effort: the task is being deleted either way.</summary>
    private async Task CancelProviderJobAsync(string taskId, ProviderJob job)
    {
        try
        {
            await providers.Provider(job.Provider).CancelAsync(job, new ServiceRequestLog(job.Provider, 0, time), CancellationToken.None);
        }
        catch (ProviderException ex)
        {
            Log.ProviderCancelFailed(logger, ex, taskId, job.Provider);
        }
    }

    private async Task SignalCancelAsync(DurableTaskClient client, string taskId)
    {
        try
        {
            await client.RaiseEventAsync(taskId, TaskNames.CancelEvent, "cancelled", CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The record is already CANCELLED, which every later workflow step respects; the event only wakes it early.
            Log.CancelSignalFailed(logger, ex, taskId);
        }
    }

    private async Task<(FoundTask? Task, ApiResult? Error)> FindAsync(string taskId, CallerIdentity caller, ApiRoute route, CancellationToken ct)
    {
        if (!Guid.TryParse(taskId, out var parsed))
        {
            return (null, ApiResult.Validation(new ValidationErrorItem(
                ["path", "task_id"],
                "Input should be a valid UUID",
                "uuid_parsing")));
        }

        var stored = await store.GetAsync(parsed.ToString("D"), ct);
        if (stored is null || !caller.CanAccessTenant(stored.Tenant) || (route.OnlyKind is { } onlyKind && stored.TaskType != onlyKind))
        {
            return (null, NotFound());
        }

        return (new FoundTask(stored, TaskJson.DeserializeDocument(stored.Document)), null);
    }

    private static string? ResolveTenant(CallerIdentity caller, string? requested)
    {
        if (caller.IsAdmin)
        {
            return requested ?? caller.Tenant ?? string.Empty;
        }

        return requested is null || requested == caller.Tenant ? caller.Tenant : null;
    }

    private static StoredTask ToStored(TaskPublicBase document, string tenant) => new()
    {
        Id = document.Id,
        Tenant = tenant,
        TaskType = document.TaskType,
        Status = document.Status,
        CreatedAt = document.CreatedAt,
        UpdatedAt = document.UpdatedAt,
        OriginInstance = document.OriginInstance,
        OriginZone = document.OriginZone,
        OriginTenantId = document.OriginTenantId,
        WorkflowId = TaskMutator.WorkflowIdOf(document),
        IsDeleted = false,
        Document = TaskJson.SerializeDocument(document),
    };

    private const int MutationRounds = 5;

    /// <summary>Attempts at scheduling a task's orchestration before the create is answered 503 (nothing kept).</summary>
    private const int ScheduleAttempts = 3;

    private static ApiResult NotFound() => ApiResult.Detail(StatusCodes.Status404NotFound, "Task not found");

    private sealed record FoundTask(StoredTask Stored, TaskPublicBase Document);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Task {TaskId} ({TaskType}) created for tenant '{Tenant}'")]
        public static partial void Created(ILogger logger, string taskId, TaskType taskType, string tenant);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Task {TaskId} deleted")]
        public static partial void Deleted(ILogger logger, string taskId);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Scheduling the orchestration of task {TaskId} failed; the record was removed")]
        public static partial void ScheduleFailed(ILogger logger, Exception exception, string taskId);

        [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Could not signal cancel to the orchestration of task {TaskId}")]
        public static partial void CancelSignalFailed(ILogger logger, Exception exception, string taskId);

        [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "Storage failure in {Method} {Path}")]
        public static partial void StorageFailed(ILogger logger, Exception exception, string method, string path);

        [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Concurrent writers outlasted every retry in {Method} {Path}; answered 409")]
        public static partial void ConcurrencyExhausted(ILogger logger, Exception exception, string method, string path);

        [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Task {TaskId} deleted; cancelling its {Provider} job failed")]
        public static partial void ProviderCancelFailed(ILogger logger, Exception exception, string taskId, ProviderType provider);

        [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "Unhandled failure in {Method} {Path}")]
        public static partial void Unhandled(ILogger logger, Exception exception, string method, string path);
    }
}
