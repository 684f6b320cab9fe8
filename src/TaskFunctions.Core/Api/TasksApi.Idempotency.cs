using System.Diagnostics;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using TaskFunctions.Core.Auth;
using TaskFunctions.Core.Inputs;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Validation;
using TaskFunctions.Core.Workflow;

namespace TaskFunctions.Core.Api;

/// <summary>Creates with an <c>Idempotency-Key</c>: one task per key, scope and request, however often it is sent.</summary>
/// <remarks>
/// The key is reserved in storage (<see cref="IIdempotencyStore"/>) before anything else is written, holding the task
/// id it will create; the reservation is marked completed once the record is written and the orchestration scheduled.
/// Every change to it is conditional (insert-if-absent, ETag), so among concurrent requests exactly one creates and the
/// others wait for it and answer its task. A create that fails releases the key; a process that dies mid-create leaves a
/// reservation whose lease runs out, and the next request with the key finishes creating that very task id.
/// </remarks>
public sealed partial class TasksApi
{
    /// <summary>Rounds of read-decide-write before giving up on a key that keeps changing under us (answered 409).</summary>
    private const int IdempotencyRounds = 50;

    private static readonly TimeSpan FirstWaitPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxWaitPoll = TimeSpan.FromMilliseconds(500);

    private async Task<ApiResult> CreateIdempotentAsync(CallerIdentity caller, DurableTaskClient client, CreateTaskBase create, string tenant, string key, CancellationToken ct)
    {
        var scope = IdempotencyRules.ScopeOf(caller.Tenant);
        var requestHash = RequestFingerprint.Of(create);
        var started = Stopwatch.GetTimestamp();
        var poll = FirstWaitPoll;
        InputPlan? plan = null;
        for (var round = 1; round <= IdempotencyRounds; round++)
        {
            var reservation = await idempotencyKeys.GetAsync(scope, key, ct);
            var now = time.GetUtcNow();
            var step = IdempotencyRules.Decide(reservation, requestHash, now);
            switch (step)
            {
                case IdempotencyStep.Mismatch:
                    return KeyReused();

                case IdempotencyStep.Replay:
                    var existing = await store.GetAsync(reservation!.TaskId, ct);
                    if (existing is not null)
                    {
                        return caller.CanAccessTenant(existing.Tenant) ? Replayed(existing) : KeyReused();
                    }

                    // The task was deleted: its key is free again, like an expired one.
                    step = IdempotencyStep.Renew;
                    break;

                case IdempotencyStep.Wait:
                    if (Stopwatch.GetElapsedTime(started) + poll > IdempotencyRules.InProgressWait)
                    {
                        return ApiResult.Detail(StatusCodes.Status409Conflict, $"A request with this {IdempotencyKey.HeaderName} is still in progress; retry shortly.")
                            .WithHeader("Retry-After", "1");
                    }

                    await Task.Delay(poll, ct);
                    poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, MaxWaitPoll.Ticks));
                    continue;

                case IdempotencyStep.TakeOver:
                    var taken = await idempotencyKeys.TryReplaceAsync(reservation! with { LeaseUntil = now + IdempotencyRules.Lease }, ct);
                    if (taken is null)
                    {
                        // Another retry took it over first; it is now the one at work.
                        continue;
                    }

                    Log.IdempotentCreateTakenOver(logger, taken.TaskId);
                    return await FinishTakenOverAsync(client, create, tenant, taken, ct);
            }

            // Claim or Renew: the request's inputs are checked before the key is touched, so a 422 leaves nothing behind.
            plan ??= await ingestor.PlanAsync(create, ct);
            if (plan.Errors.Count > 0)
            {
                return ApiResult.Validation(plan.Errors);
            }

            var fresh = new IdempotencyReservation
            {
                Scope = scope,
                Key = key,
                TaskId = Guid.NewGuid().ToString("D"),
                RequestHash = requestHash,
                CreatedAt = now,
                LeaseUntil = now + IdempotencyRules.Lease,
                ETag = reservation?.ETag ?? default,
            };
            var claimed = step == IdempotencyStep.Claim
                ? await idempotencyKeys.TryAddAsync(fresh, ct)
                : await idempotencyKeys.TryReplaceAsync(fresh, ct);
            if (claimed is not null)
            {
                return await CreateReservedAsync(client, create, plan, tenant, claimed, ct);
            }

            // Another request reserved the key between our read and write: look again.
        }

        return ApiResult.Detail(StatusCodes.Status409Conflict, $"Requests with this {IdempotencyKey.HeaderName} keep racing; retry shortly.")
            .WithHeader("Retry-After", "1");
    }

    /// <summary>Creates the reserved task; the key is marked completed on success and released on any failure.</summary>
    private async Task<ApiResult> CreateReservedAsync(DurableTaskClient client, CreateTaskBase create, InputPlan plan, string tenant, IdempotencyReservation reservation, CancellationToken ct)
    {
        (ApiResult Result, bool Created) outcome;
        try
        {
            outcome = await CreateTaskAsync(client, create, plan, tenant, reservation.TaskId, ct);
        }
        catch (Exception ex) when (ex is not TaskConcurrencyException)
        {
            // (A TaskConcurrencyException means the record exists already: the request we took the key over from was
            // slow rather than dead and has just written it. Its task stands and keeps the key; it is answered 409 and a
            // retry after our lease answers that task.)
            await ReleaseKeyAsync(reservation);
            throw;
        }

        if (!outcome.Created)
        {
            await ReleaseKeyAsync(reservation);
            return outcome.Result;
        }

        await CompleteKeyAsync(reservation);
        return outcome.Result;
    }

    /// <summary>
    /// The request that held the key died mid-create. Without a record the task is created anew under the reserved id;
    /// with one, only the orchestration may be missing (it died between the two), and it is scheduled now.
    /// </summary>
    private async Task<ApiResult> FinishTakenOverAsync(DurableTaskClient client, CreateTaskBase create, string tenant, IdempotencyReservation reservation, CancellationToken ct)
    {
        var taskId = reservation.TaskId;
        var stored = await store.GetAsync(taskId, ct);
        if (stored is null)
        {
            var plan = await ingestor.PlanAsync(create, ct);
            if (plan.Errors.Count > 0)
            {
                // Valid when first sent, not now (a URL input gone): nothing of the task exists, so free the key.
                await ReleaseKeyAsync(reservation);
                return ApiResult.Validation(plan.Errors);
            }

            return await CreateReservedAsync(client, create, plan, tenant, reservation, ct);
        }

        if (await client.GetInstanceAsync(taskId, getInputsAndOutputs: false, CancellationToken.None) is null)
        {
            try
            {
                await ScheduleWithRetriesAsync(client, taskId, new TaskOrchestrationInput(taskId, create.TaskType, create.ProviderType));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The key stays reserved (its lease runs out again), so the next retry tries once more for this task.
                Log.ScheduleFailed(logger, ex, taskId);
                return ApiResult.Detail(StatusCodes.Status503ServiceUnavailable, "The task could not be scheduled. Try again.");
            }
        }

        await CompleteKeyAsync(reservation);
        return Replayed(stored);
    }

    private async Task CompleteKeyAsync(IdempotencyReservation reservation)
    {
        try
        {
            if (await idempotencyKeys.TryReplaceAsync(reservation with { Completed = true }, CancellationToken.None) is null)
            {
                // Taken over meanwhile (we outlived our lease): the new holder finds the task and completes the key.
                Log.IdempotencyKeyLost(logger, reservation.TaskId);
            }
        }
        catch (RequestFailedException ex)
        {
            // The task exists; once the lease runs out a retry finds it, checks its orchestration and completes the key.
            Log.IdempotencyKeyUpdateFailed(logger, ex, reservation.TaskId);
        }
    }

    private async Task ReleaseKeyAsync(IdempotencyReservation reservation)
    {
        try
        {
            await idempotencyKeys.TryDeleteAsync(reservation, CancellationToken.None);
        }
        catch (RequestFailedException ex)
        {
            // Once the lease runs out a retry takes the key over and creates the task it names.
            Log.IdempotencyKeyUpdateFailed(logger, ex, reservation.TaskId);
        }
    }

    private ApiResult Replayed(StoredTask stored)
    {
        Log.IdempotentReplay(logger, stored.Id);
        return ApiResult.Json(StatusCodes.Status200OK, TaskJson.SerializePublic(TaskJson.DeserializeDocument(stored.Document)))
            .WithHeader(IdempotencyKey.ReplayedHeaderName, "true");
    }

    private static ApiResult KeyReused() => ApiResult.Validation(new ValidationErrorItem(
        IdempotencyKey.Location,
        $"This {IdempotencyKey.HeaderName} was already used with a different request in the last {IdempotencyRules.Retention.TotalHours:0} hours; send a new key for a new request",
        "idempotency_key_reused"));

    private static partial class Log
    {
        [LoggerMessage(EventId = 1009, Level = LogLevel.Information, Message = "Task {TaskId} answered again for its Idempotency-Key")]
        public static partial void IdempotentReplay(ILogger logger, string taskId);

        [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "The create of task {TaskId} stopped before finishing (its Idempotency-Key lease ran out); finishing it")]
        public static partial void IdempotentCreateTakenOver(ILogger logger, string taskId);

        [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "The Idempotency-Key of task {TaskId} was taken over before this create finished")]
        public static partial void IdempotencyKeyLost(ILogger logger, string taskId);

        [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Could not update the Idempotency-Key reservation of task {TaskId}; its lease lets a retry settle it")]
        public static partial void IdempotencyKeyUpdateFailed(ILogger logger, Exception exception, string taskId);
    }
}
