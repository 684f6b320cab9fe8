using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow;

/// <summary>How each (kind, provider) pair is executed; which pairs exist is <see cref="TaskProviders"/>.</summary>
public static class ProviderCatalog
{
    /// <summary>The provider used when the task names none.</summary>
    public static ProviderType DefaultProvider(TaskType taskType) => TaskProviders.Default(taskType);

    /// <summary>How the kind runs on the provider in this version of the service.</summary>
    public static StageExecutor Executor(TaskType taskType, ProviderType provider) =>
        !TaskProviders.Runs(taskType, provider) ? StageExecutor.Missing
        : provider switch
        {
            ProviderType.LOCAL => StageExecutor.Local,
            ProviderType.OPENAI => StageExecutor.Call,
            _ => StageExecutor.Job,
        };

    public static string MissingMessage(TaskType taskType, ProviderType? providerType) =>
        $"No executor is available for task type {taskType} with provider {providerType?.ToString() ?? "(default)"} in this version of the service.";
}
