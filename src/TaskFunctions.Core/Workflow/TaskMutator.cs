using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow;

/// <summary>
/// Read-modify-write of a task record with optimistic concurrency: on a lost ETag race the record is read
/// again and the change re-applied, so concurrent writers (API and workflow) never overwrite each other.
/// </summary>
public sealed class TaskMutator(ITaskStore store)
{
    private const int MaxAttempts = 8;

    /// <summary>
    /// Applies <paramref name="mutate"/> to the task's document and writes back the document it returns
    /// (the same instance changed in place, or a new one); a null return writes nothing.
    /// Returns null when the task does not exist; otherwise the document as stored after the call.
    /// </summary>
    public Task<MutationResult?> MutateAsync(
        string taskId,
        Func<TaskPublicBase, TaskPublicBase?> mutate,
        CancellationToken cancellationToken = default) =>
        MutateAsync(taskId, null, mutate, cancellationToken);

    /// <summary>As above, starting from <paramref name="initial"/>, the record as the caller has just read it, instead of a
    /// new read (a concurrent write since then only costs one lost ETag race).</summary>
    public Task<MutationResult?> MutateAsync(
        string taskId,
        StoredTask? initial,
        Func<TaskPublicBase, TaskPublicBase?> mutate,
        CancellationToken cancellationToken = default) =>
        MutateCoreAsync(taskId, initial, initialIsCurrent: true, mutate, cancellationToken);

    /// <summary>
    /// As <see cref="MutateAsync(string, Func{TaskPublicBase, TaskPublicBase?}, CancellationToken)"/> with the same
    /// outcome, starting from this process's copy of the record (<see cref="ITaskStore.Recent"/>) when it has one: a
    /// workflow step that follows another step of the task then writes without reading first. A stale copy costs one
    /// lost ETag race; a decision to write nothing is never taken on the copy alone but confirmed by a fresh read.
    /// </summary>
    public Task<MutationResult?> MutateRecentAsync(
        string taskId,
        Func<TaskPublicBase, TaskPublicBase?> mutate,
        CancellationToken cancellationToken = default) =>
        MutateCoreAsync(taskId, store.Recent(taskId), initialIsCurrent: false, mutate, cancellationToken);

    private async Task<MutationResult?> MutateCoreAsync(
        string taskId,
        StoredTask? initial,
        bool initialIsCurrent,
        Func<TaskPublicBase, TaskPublicBase?> mutate,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var fromInitial = attempt == 1 && initial is not null;
            var stored = fromInitial ? initial : await store.GetAsync(taskId, cancellationToken);
            if (stored is null)
            {
                return null;
            }

            var current = TaskJson.DeserializeDocument(stored.Document);
            var document = mutate(current);
            if (document is null)
            {
                if (fromInitial && !initialIsCurrent)
                {
                    continue; // confirm "nothing to write" on the record as it is now
                }

                return new MutationResult(stored, current, Changed: false);
            }

            Apply(stored, document);
            try
            {
                await store.UpdateAsync(stored, cancellationToken);
                return new MutationResult(stored, document, Changed: true);
            }
            catch (TaskConcurrencyException) when (attempt < MaxAttempts)
            {
                // Someone else wrote in between: read again and re-decide on fresh state.
            }
        }
    }

    /// <summary>The indexed workflow_id column (the generation list filters on it): GENERATION and EDITING have one.</summary>
    public static string? WorkflowIdOf(TaskPublicBase document) =>
        (document as GenerationTaskPublic)?.WorkflowId ?? (document as EditingTaskPublic)?.WorkflowId;

    /// <summary>Copies the indexed columns from the document onto the stored entity.</summary>
    public static void Apply(StoredTask stored, TaskPublicBase document)
    {
        stored.Status = document.Status;
        stored.UpdatedAt = document.UpdatedAt;
        stored.IsDeleted = document.Internal.IsDeleted;
        stored.OriginInstance = document.OriginInstance;
        stored.OriginZone = document.OriginZone;
        stored.OriginTenantId = document.OriginTenantId;
        stored.WorkflowId = WorkflowIdOf(document);
        stored.Document = TaskJson.SerializeDocument(document);
    }
}
