namespace TaskFunctions.Core.Storage;

/// <summary>Queryable task state in Table Storage.</summary>
public interface ITaskStore
{
    /// <summary>Creates the tables if needed (called once on start).</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts a new task record and its index entities; sets <see cref="StoredTask.ETag"/>.</summary>
    Task CreateAsync(StoredTask task, CancellationToken cancellationToken = default);

    /// <summary>
    /// Like <see cref="CreateAsync(StoredTask, CancellationToken)"/>, and runs <paramref name="whileIndexing"/> once
    /// the record is durable, concurrently with the last index step; its failure propagates, the record stays.
    /// Never runs it when the record could not be written.
    /// </summary>
    Task CreateAsync(StoredTask task, Func<Task>? whileIndexing, CancellationToken cancellationToken = default);

    /// <summary>One point read by id; null when absent.</summary>
    Task<StoredTask?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// The record as this process last read or wrote it, without I/O; null when it has no copy. It may be stale: use it
    /// only to start a write conditional on its ETag, or where the caller can tell a stale copy from a current one.
    /// </summary>
    StoredTask? Recent(string id);

    /// <summary>
    /// Replaces the record if its ETag still equals <see cref="StoredTask.ETag"/>, keeps the index entities in
    /// step, and sets the new ETag. Throws <see cref="TaskConcurrencyException"/> on a lost race or a missing record.
    /// </summary>
    Task UpdateAsync(StoredTask task, CancellationToken cancellationToken = default);

    /// <summary>Removes the record and every index entity of the task; a missing task is not an error.</summary>
    Task DeleteAsync(StoredTask task, CancellationToken cancellationToken = default);

    /// <summary>Newest-first page of tasks matching the query.</summary>
    Task<IReadOnlyList<StoredTask>> ListAsync(TaskListQuery query, CancellationToken cancellationToken = default);
}
