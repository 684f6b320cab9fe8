using System.Diagnostics;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Telemetry;

namespace TaskFunctions.Core.Workflow.Activities;

/// <summary>
/// One attempt on a synchronous provider: build the request, make the call (under the client's own per-call timeout),
/// store the output in the task's blob prefix at once and return paths only. A successful call's journal travels to
/// CompleteTask; a failed one is recorded here.
/// </summary>
public sealed class CallProviderActivity(ITaskStore store, TaskMutator mutator, JobProviderRegistry registry, ProviderResultWriter writer, TimeProvider time)
    : JobActivityBase(store, mutator, time), ITaskActivity<JobAttemptInput, ExecutionOutcome>
{
    public async Task<ExecutionOutcome> RunAsync(JobAttemptInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var live = await LoadLiveAsync(input.TaskId, cancellationToken);
        if (live is not { Document: var task, Stored: var stored })
        {
            return ExecutionOutcome.Failure("The task ended before the provider was called.", ErrorCategory.CANCELLED);
        }

        var log = NewLog(input.Provider, input.Attempt);
        using var span = TaskTelemetry.StartTaskActivity("provider.call", task.Id, task.TaskType, input.Provider, ActivityKind.Client);
        var started = Stopwatch.GetTimestamp();
        ExecutionOutcome outcome;
        try
        {
            var request = await registry.RequestFactory(input.Provider, task.TaskType).CreateAsync(task, input.JobPart, cancellationToken);
            var output = await registry.Caller(input.Provider).CallAsync(request, log, cancellationToken);
            outcome = await writer.WriteAsync(task, output, input.JobPart, cancellationToken);
        }
        catch (ProviderException ex)
        {
            outcome = ExecutionOutcome.From(ex.Failure);
        }

        TaskTelemetry.ProviderCall(task.TaskType, input.Provider, Stopwatch.GetElapsedTime(started), outcome.Succeeded);
        if (outcome.Succeeded)
        {
            return outcome with { ServiceRequests = log.Entries.ToList() };
        }

        span?.SetStatus(ActivityStatusCode.Error, outcome.Error);
        await RecordAsync(input.TaskId, log, null, cancellationToken, stored);
        return outcome;
    }
}
