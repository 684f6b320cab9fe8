using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow;

/// <summary>Which activity executes a task kind on a provider; kinds without one fail honestly.</summary>
public static class ExecutorCatalog
{
    /// <summary>The executor activity for the kind and provider, or null when none exists yet.</summary>
    public static string? Find(TaskType taskType, ProviderType? providerType) => (taskType, providerType) switch
    {
        (TaskType.IMAGE_ADJUSTER or TaskType.BACKGROUND_FIX, null or ProviderType.LOCAL) => TaskNames.ExecuteLocalTask,
        _ => null,
    };

    public static string MissingMessage(TaskType taskType, ProviderType? providerType) =>
        $"No executor is available for task type {taskType} with provider {providerType?.ToString() ?? "(default)"} in this version of the service.";
}
