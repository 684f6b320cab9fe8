using Microsoft.Extensions.Logging;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Storage;

namespace TaskFunctions.Core.Workflow.Activities;

/// <summary>Best-effort cancel of a provider job (the task is already CANCELLED, or its attempt timed out); never fails the workflow.</summary>
public sealed partial class CancelProviderJobActivity(
    ITaskStore store, TaskMutator mutator, JobProviderRegistry registry, TimeProvider time, ILogger<CancelProviderJobActivity> logger)
    : JobActivityBase(store, mutator, time), ITaskActivity<JobStepInput, bool>
{
    public async Task<bool> RunAsync(JobStepInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var log = NewLog(input.Job.Provider, input.Attempt);
        var accepted = false;
        try
        {
            accepted = await registry.Provider(input.Job.Provider).CancelAsync(input.Job, log, cancellationToken);
        }
        catch (ProviderException ex)
        {
            LogCancelFailed(logger, input.TaskId, input.Job.JobId, ex.Failure.Message);
        }

        await RecordAsync(input.TaskId, log, null, cancellationToken);
        return accepted;
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Cancelling provider job {JobId} of task {TaskId} failed: {Reason}")]
    private static partial void LogCancelFailed(ILogger logger, string taskId, string jobId, string reason);
}
