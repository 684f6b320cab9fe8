using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Telemetry;

namespace TaskFunctions.Core.Workflow.Activities;

/// <summary>
/// Submits the attempt's provider job and records its id on the task at once. Activities run at least once: a re-run
/// of the same attempt finds the recorded job and re-attaches to it instead of submitting twice.
/// </summary>
public sealed class SubmitProviderJobActivity(ITaskStore store, TaskMutator mutator, JobProviderRegistry registry, TimeProvider time, ILogger<SubmitProviderJobActivity> logger)
    : JobActivityBase(store, mutator, time), ITaskActivity<JobAttemptInput, SubmitJobResult>
{
    public async Task<SubmitJobResult> RunAsync(JobAttemptInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var live = await LoadLiveAsync(input.TaskId, cancellationToken);
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
        ProviderJob? job = null;
        ProviderFailure? failure = null;
        try
        {
            var request = await registry.RequestFactory(input.Provider, task.TaskType).CreateAsync(task, input.JobPart, cancellationToken);
            job = await registry.Provider(input.Provider).SubmitAsync(request, log, cancellationToken);
        }
        catch (ProviderException ex)
        {
            failure = ex.Failure;
            span?.SetStatus(ActivityStatusCode.Error, failure.Message);
        }

        TaskTelemetry.ProviderCall(task.TaskType, input.Provider, Stopwatch.GetElapsedTime(started), job is not null);
        var now = Time.GetUtcNow();
        var recorded = await RecordAsync(input.TaskId, log, t =>
        {
            if (job is not null)
            {
                t.Internal.ActiveJob = new ProviderJobRecord { AttemptKey = input.AttemptKey, Job = job, SubmittedAt = now, LastWorker = WorkerIdentity.Current };
                ExposeJob(t, job);
                t.Progress = Math.Max(t.Progress, 1);
            }
        }, cancellationToken, stored);

        if (job is not null)
        {
            WorkflowLog.ProviderJobSubmitted(logger, input.TaskId, input.Provider, job.JobId, input.Attempt);
        }

        // Cancelled between submit and record: the job still exists and the workflow cancels it.
        return new SubmitJobResult(job, failure, TaskEnded: !recorded && job is null);
    }
}
