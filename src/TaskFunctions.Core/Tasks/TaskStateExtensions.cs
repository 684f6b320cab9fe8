namespace TaskFunctions.Core.Tasks;

/// <summary>Lifecycle rules shared by the API and the workflow.</summary>
public static class TaskStateExtensions
{
    /// <summary>Terminal states never change again.</summary>
    public static bool IsTerminal(this TaskState state) =>
        state is TaskState.COMPLETED or TaskState.FAILED or TaskState.CANCELLED;
}
