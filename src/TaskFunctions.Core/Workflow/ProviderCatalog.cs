using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow;

/// <summary>Which provider runs a task kind by default, and how each (kind, provider) pair is executed.</summary>
public static class ProviderCatalog
{
    /// <summary>The provider used when the task names none.</summary>
    public static ProviderType? DefaultProvider(TaskType taskType) => taskType switch
    {
        TaskType.IMAGE_ADJUSTER or TaskType.BACKGROUND_FIX => ProviderType.LOCAL,
        TaskType.GENERATION or TaskType.EDITING or TaskType.REFINE or TaskType.EXPERIMENTAL_FAL => ProviderType.FAL,
        _ => null,
    };

    /// <summary>How the kind runs on the provider in this version of the service.</summary>
    public static StageExecutor Executor(TaskType taskType, ProviderType provider) => (taskType, provider) switch
    {
        (TaskType.IMAGE_ADJUSTER or TaskType.BACKGROUND_FIX, ProviderType.LOCAL) => StageExecutor.Local,
        (TaskType.GENERATION or TaskType.EDITING or TaskType.REFINE or TaskType.EXPERIMENTAL_FAL, ProviderType.FAL) => StageExecutor.Job,
        _ => StageExecutor.Missing,
    };

    public static string MissingMessage(TaskType taskType, ProviderType? providerType) =>
        $"No executor is available for task type {taskType} with provider {providerType?.ToString() ?? "(default)"} in this version of the service.";
}
