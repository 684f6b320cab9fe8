using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow.Activities;

/// <summary>Shared reads and writes of the provider-job activities: load a live task, journal calls on the record.</summary>
public abstract class JobActivityBase(ITaskStore store, TaskMutator mutator, TimeProvider time)
{

    protected TimeProvider Time => time;

    /// <summary>
    /// The task document, or null when the task is gone, cleaned up or already terminal (cancelled). The record read
    /// here is kept for the activity's one write (<see cref="RecordAsync"/>), which then needs no second read.
    /// </summary>
    /// <param name="recentIsUsable">
    /// When given, this process's copy of the record (<see cref="ITaskStore.Recent"/>) stands in for the read if it shows
    /// the task live and passes this check: for steps whose write is conditional on the copy's ETag anyway, or whose
    /// check proves the copy is the record as this process left it. A task the copy shows ended is read afresh.
    /// </param>
    protected async Task<(StoredTask Stored, TaskPublicBase Document)?> LoadLiveAsync(
        string taskId, CancellationToken cancellationToken, Func<TaskPublicBase, bool>? recentIsUsable = null)
    {
        if (recentIsUsable is not null && store.Recent(taskId) is { } recent)
        {
            var copy = TaskJson.DeserializeDocument(recent.Document);
            if (IsLive(copy) && recentIsUsable(copy))
            {
                return (recent, copy);
            }
        }

        var stored = await store.GetAsync(taskId, cancellationToken);
        if (stored is null)
        {
            return null;
        }

        var task = TaskJson.DeserializeDocument(stored.Document);
        return IsLive(task) ? (stored, task) : null;
    }

    private static bool IsLive(TaskPublicBase task) => !task.Status.IsTerminal() && !task.Internal.IsDeleted;

    /// <summary>
    /// Appends the log's calls to service_requests and applies <paramref name="change"/>, even when the task ended
    /// meanwhile (the calls happened); returns false when the task no longer exists or has ended.
    /// </summary>
    protected async Task<bool> RecordAsync(string taskId, ServiceRequestLog log, Action<TaskPublicBase>? change, CancellationToken cancellationToken, StoredTask? current = null)
    {
        var live = true;
        var result = await mutator.MutateAsync(taskId, current, task =>
        {
            live = !task.Status.IsTerminal() && !task.Internal.IsDeleted;
            if (log.Entries.Count == 0 && (change is null || !live))
            {
                return null;
            }

            ServiceRequestJournal.Append(task, log.Entries);
            if (live)
            {
                change?.Invoke(task);
                task.UpdatedAt = time.GetUtcNow();
            }

            return task;
        }, cancellationToken);
        return result is not null && live;
    }

    protected ServiceRequestLog NewLog(ProviderType provider, int attempt) => new(provider, attempt, time);

    /// <summary>Shows the provider's request id (and the app that ran) in the kind's public fields.</summary>
    protected static void ExposeJob(TaskPublicBase task, ProviderJob job)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(job);
        if (job.Provider == ProviderType.COMFYUI)
        {
            // The ComfyUI prompt id is the spec's workflow_id: the generation list's workflow_id filter finds the task by it.
            switch (task)
            {
                case GenerationTaskPublic generation:
                    generation.WorkflowId = job.JobId;
                    break;
                case EditingTaskPublic editing:
                    editing.WorkflowId = job.JobId;
                    break;
            }

            return;
        }

        if (job.Provider != ProviderType.FAL)
        {
            return;
        }

        switch (task)
        {
            case ExperimentalFalTaskPublic experimental:
                experimental.FalRequestId = job.JobId;
                break;
            case GenerationTaskPublic generation:
                generation.FalRequestId = job.JobId;
                generation.FalAppId = job.Endpoint;
                break;
            case EditingTaskPublic editing:
                editing.FalRequestId = job.JobId;
                editing.FalAppId = job.Endpoint;
                break;
            case RefineTaskPublic refine:
                refine.FalRequestId = job.JobId;
                refine.FalAppId = job.Endpoint;
                break;
        }
    }

    /// <summary>Marks a task whose provider job is re-attached after an interruption (a restarted or replaced worker).</summary>
    protected static void MarkResumed(TaskPublicBase task, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(task);
        task.Internal.IsResumed = true;
        task.Internal.ResumeAttemptCount = (task.Internal.ResumeAttemptCount ?? 0) + 1;
        task.Internal.LastResumeAttempt = now;
        if (task.Internal.ActiveJob is { } job)
        {
            job.LastWorker = WorkerIdentity.Current;
        }
    }
}
