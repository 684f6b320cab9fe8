using System.Diagnostics;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Telemetry;

namespace TaskFunctions.Core.Workflow.Activities;

/// <summary>Fetches a finished job's output and copies its files into the task's blob prefix; returns blob paths only.</summary>
public sealed class FetchProviderResultActivity(ITaskStore store, TaskMutator mutator, JobProviderRegistry registry, ProviderResultWriter writer, TimeProvider time)
    : JobActivityBase(store, mutator, time), ITaskActivity<JobStepInput, ExecutionOutcome>
{
    public async Task<ExecutionOutcome> RunAsync(JobStepInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var log = NewLog(input.Job.Provider, input.Attempt);
        log.AddRange(input.Carried);
        // A stale copy only risks fetching for a task that just ended; CompleteTask then finds it ended and deletes the files.
        var live = await LoadLiveAsync(input.TaskId, cancellationToken, recentIsUsable: static _ => true);
        if (live is not { Document: var task, Stored: var stored })
        {
            // Cancelled or deleted meanwhile: a late result is not fetched at all.
            await RecordAsync(input.TaskId, log, null, cancellationToken);
            return ExecutionOutcome.Failure("The task ended before its result was fetched.", ErrorCategory.CANCELLED);
        }

        using var span = TaskTelemetry.StartTaskActivity("provider.result", task.Id, task.TaskType, input.Job.Provider, ActivityKind.Client);
        var started = Stopwatch.GetTimestamp();
        ExecutionOutcome outcome;
        try
        {
            var output = await registry.Provider(input.Job.Provider).GetResultAsync(input.Job, log, cancellationToken);
            outcome = await writer.WriteAsync(task, output, input.JobPart, cancellationToken);
        }
        catch (ProviderException ex)
        {
            outcome = ExecutionOutcome.From(ex.Failure);
        }

        TaskTelemetry.ProviderCall(task.TaskType, input.Job.Provider, Stopwatch.GetElapsedTime(started), outcome.Succeeded);
        if (!outcome.Succeeded)
        {
            span?.SetStatus(ActivityStatusCode.Error, outcome.Error);
        }

        if (outcome.Succeeded)
        {
            // CompleteTask records these calls together with the result: one write instead of two.
            return outcome with { ServiceRequests = log.Entries.ToList() };
        }

        await RecordAsync(input.TaskId, log, null, cancellationToken, stored);
        return outcome;
    }
}
