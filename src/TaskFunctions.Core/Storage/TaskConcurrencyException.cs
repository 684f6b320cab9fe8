namespace TaskFunctions.Core.Storage;

/// <summary>A conditional write lost the race: the record changed (or vanished) since it was read.</summary>
public sealed class TaskConcurrencyException : Exception
{
    public TaskConcurrencyException(string taskId)
        : base($"Task {taskId} was modified concurrently.") => TaskId = taskId;

    public TaskConcurrencyException(string taskId, Exception inner)
        : base($"Task {taskId} was modified concurrently.", inner) => TaskId = taskId;

    public TaskConcurrencyException() : base("Task was modified concurrently.") => TaskId = string.Empty;

    public TaskConcurrencyException(string message, string taskId) : base(message) => TaskId = taskId;

    public string TaskId { get; }
}
