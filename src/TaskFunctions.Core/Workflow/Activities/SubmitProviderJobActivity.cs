using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Telemetry;

namespace TaskFunctions.Core.Workflow.Activities;

/// <summary>
/// Submits the attempt's provider job and records its id on the task at once. Activities run at least once: a re-run
/// of the same attempt finds the recorded job and re-attaches to it instead of submitting twice. To close the gap between
/// sending a submit and recording its answer, the intent is written first: a re-run that finds an intent but no job asks
/// the provider for the job the earlier run created (<see cref="IJobLookup"/>) and adopts it; providers that cannot be
/// asked get the submit recorded as unconfirmed (<see cref="UnconfirmedSubmit"/>) before it is sent again. A submit
/// that times out is followed up the same way.
/// </summary>
public sealed class SubmitProviderJobActivity(ITaskStore store, TaskMutator mutator, JobProviderRegistry registry, TimeProvider time, ILogger<SubmitProviderJobActivity> logger)
    : JobActivityBase(store, mutator, time), ITaskActivity<JobAttemptInput, SubmitJobResult>
{
    private readonly TaskMutator mutator = mutator;

    public async Task<SubmitJobResult> RunAsync(JobAttemptInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);

        // Decide on this process's copy of the record when it has one; the intent write, conditional on the copy's ETag,
        // proves it current. If it was not and the record shows this attempt further along (another run of it), decide
        // again on a fresh read.
        for (var round = 1; ; round++)
        {
            if (await RunAsync(input, useRecent: round == 1, cancellationToken) is { } result)
            {
                return result;
            }

            if (round == 4)
            {
                throw new TaskConcurrencyException($"Task {input.TaskId}: attempt {input.AttemptKey} kept changing under its submit.", input.TaskId);
            }
        }
    }

    /// <summary>The submit; null when the record it decided on turned out stale by the time of the intent write.</summary>
    private async Task<SubmitJobResult?> RunAsync(JobAttemptInput input, bool useRecent, CancellationToken cancellationToken)
    {
        var live = await LoadLiveAsync(input.TaskId, cancellationToken, useRecent ? static _ => true : null);
        if (live is not { Document: var task, Stored: var stored })
        {
            return new SubmitJobResult(null, null, TaskEnded: true);
        }

        var log = NewLog(input.Provider, input.Attempt);
        if (task.Internal.ActiveJob is { } earlier && earlier.AttemptKey == input.AttemptKey)
        {
            await RecordAsync(input.TaskId, log, t => MarkResumed(t, Time.GetUtcNow()), cancellationToken, stored);
            return new SubmitJobResult(earlier.Job, null);
        }

        using var span = TaskTelemetry.StartTaskActivity("provider.submit", task.Id, task.TaskType, input.Provider, ActivityKind.Client);
        var started = Stopwatch.GetTimestamp();
        var provider = registry.Provider(input.Provider);
        ProviderJobRequest request;
        try
        {
            request = await registry.RequestFactory(input.Provider, task.TaskType).CreateAsync(task, input.JobPart, cancellationToken);
            request = request with { SubmitKey = $"{task.Id}/{input.AttemptKey}" };
        }
        catch (ProviderException ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.Failure.Message);
            await RecordAsync(input.TaskId, log, null, cancellationToken, stored);
            return new SubmitJobResult(null, ex.Failure);
        }

        // An earlier run of this submit sent it and died before recording the answer: ask, or note the possible job.
        UnconfirmedSubmit? interrupted = null;
        if (task.Internal.SubmitIntent is { } intent && intent.AttemptKey == input.AttemptKey && intent.Provider == input.Provider)
        {
            if (provider is IJobLookup lookup && await FindAsync(lookup, request, intent.At, log, cancellationToken) is { } found)
            {
                return await AdoptAsync(input, task, found, log, cancellationToken);
            }

            if (provider is not IJobLookup)
            {
                interrupted = Unconfirmed(input, request, intent.At, "was interrupted before its answer was recorded");
            }
        }

        var sentAt = Time.GetUtcNow();
        var stale = false;
        var intended = await mutator.MutateAsync(input.TaskId, stored, t =>
        {
            stale = !SameSubmitState(t, task, input.AttemptKey);
            if (stale || t.Status.IsTerminal() || t.Internal.IsDeleted)
            {
                return null;
            }

            t.Internal.SubmitIntent = new SubmitIntentRecord { AttemptKey = input.AttemptKey, Provider = input.Provider, At = sentAt };
            AddUnconfirmed(t, interrupted);
            return t;
        }, cancellationToken);
        if (stale)
        {
            return null;
        }

        if (intended is not { Changed: true })
        {
            return new SubmitJobResult(null, null, TaskEnded: true);
        }

        if (interrupted is not null)
        {
            WorkflowLog.ProviderSubmitUnconfirmed(logger, input.TaskId, input.Provider, input.Attempt, interrupted.Reason);
        }

        ProviderJob? job = null;
        ProviderFailure? failure = null;
        UnconfirmedSubmit? unanswered = null;
        try
        {
            job = await provider.SubmitAsync(request, log, cancellationToken);
        }
        catch (ProviderException ex)
        {
            failure = ex.Failure;
            span?.SetStatus(ActivityStatusCode.Error, failure.Message);
            if (failure.OutcomeUnknown)
            {
                // The submit may have landed: find and adopt its job where the provider can be asked, else record it.
                if (provider is IJobLookup lookup && await FindAsync(lookup, request, sentAt, log, cancellationToken) is { } found)
                {
                    job = found;
                    failure = null;
                    WorkflowLog.ProviderJobAdopted(logger, input.TaskId, input.Provider, found.JobId, input.Attempt);
                }
                else if (provider is not IJobLookup)
                {
                    unanswered = Unconfirmed(input, request, sentAt, ex.Failure.Category == ErrorCategory.TIMEOUT ? "timed out" : "lost its connection");
                    WorkflowLog.ProviderSubmitUnconfirmed(logger, input.TaskId, input.Provider, input.Attempt, unanswered.Reason);
                }
            }
        }

        TaskTelemetry.ProviderCall(task.TaskType, input.Provider, Stopwatch.GetElapsedTime(started), job is not null);
        var now = Time.GetUtcNow();
        var recorded = await RecordAsync(input.TaskId, log, t =>
        {
            t.Internal.SubmitIntent = null;
            AddUnconfirmed(t, unanswered);
            if (job is not null)
            {
                t.Internal.ActiveJob = new ProviderJobRecord { AttemptKey = input.AttemptKey, Job = job, SubmittedAt = now, LastWorker = WorkerIdentity.Current };
                ExposeJob(t, job);
                t.Progress = Math.Max(t.Progress, 1);
            }
        }, cancellationToken, intended.Stored);

        if (job is not null && failure is null && unanswered is null)
        {
            WorkflowLog.ProviderJobSubmitted(logger, input.TaskId, input.Provider, job.JobId, input.Attempt);
        }

        // Cancelled between submit and record: the job still exists and the workflow cancels it.
        return new SubmitJobResult(job, failure, TaskEnded: !recorded && job is null);
    }

    /// <summary>
    /// Whether <paramref name="now"/> shows this attempt where <paramref name="decided"/> (the record the submit decided on)
    /// did: no job of it recorded since, and the same intent. Another run of the attempt that got further means the
    /// decision was taken on a stale record.
    /// </summary>
    private static bool SameSubmitState(TaskPublicBase now, TaskPublicBase decided, string attemptKey) =>
        (now.Internal.ActiveJob?.AttemptKey == attemptKey) == (decided.Internal.ActiveJob?.AttemptKey == attemptKey)
        && now.Internal.SubmitIntent?.AttemptKey == decided.Internal.SubmitIntent?.AttemptKey
        && now.Internal.SubmitIntent?.At == decided.Internal.SubmitIntent?.At;

    /// <summary>Records <paramref name="found"/> as the attempt's job, as if this run had submitted it.</summary>
    private async Task<SubmitJobResult> AdoptAsync(JobAttemptInput input, TaskPublicBase task, ProviderJob found, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        await RecordAsync(input.TaskId, log, t =>
        {
            t.Internal.SubmitIntent = null;
            t.Internal.ActiveJob = new ProviderJobRecord { AttemptKey = input.AttemptKey, Job = found, SubmittedAt = now, LastWorker = WorkerIdentity.Current };
            ExposeJob(t, found);
            MarkResumed(t, now);
            t.Progress = Math.Max(t.Progress, 1);
        }, cancellationToken);
        WorkflowLog.ProviderJobAdopted(logger, task.Id, input.Provider, found.JobId, input.Attempt);

        // Ended meanwhile: the job exists all the same and the workflow cancels it, as after a fresh submit.
        return new SubmitJobResult(found, null);
    }

    /// <summary>Asks the provider; a failing lookup only means the job cannot be found (the submit goes ahead).</summary>
    private static async Task<ProviderJob?> FindAsync(IJobLookup lookup, ProviderJobRequest request, DateTimeOffset since, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        try
        {
            return await lookup.FindSubmittedAsync(request, since, log, cancellationToken);
        }
        catch (ProviderException)
        {
            return null;
        }
    }

    private static UnconfirmedSubmit Unconfirmed(JobAttemptInput input, ProviderJobRequest request, DateTimeOffset sentAt, string reason) =>
        new() { AttemptKey = input.AttemptKey, Provider = input.Provider, Endpoint = request.Endpoint, SentAt = sentAt, Reason = reason };

    private static void AddUnconfirmed(TaskPublicBase task, UnconfirmedSubmit? submit)
    {
        if (submit is not null)
        {
            (task.Internal.UnconfirmedSubmits ??= []).Add(submit);
        }
    }
}
