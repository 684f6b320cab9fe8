namespace TaskFunctions.Core.Tasks;

/// <summary>
/// Which providers this version of the service can run each task kind on, and the default one. Create refuses any other
/// (kind, provider) pair, so no task is accepted that could only end FAILED/INTERNAL.
/// </summary>
public static class TaskProviders
{
    private static readonly ProviderType[] Local = [ProviderType.LOCAL];
    private static readonly ProviderType[] FalOnly = [ProviderType.FAL];
    private static readonly ProviderType[] Images = [ProviderType.FAL, ProviderType.REPLICATE, ProviderType.OPENAI, ProviderType.COMFYUI];
    private static readonly ProviderType[] ImageJobs = [ProviderType.FAL, ProviderType.REPLICATE, ProviderType.COMFYUI];
    private static readonly ProviderType[] Video = [ProviderType.FAL, ProviderType.REPLICATE];
    private static readonly ProviderType[] Language = [ProviderType.FAL, ProviderType.REPLICATE, ProviderType.OPENAI];

    /// <summary>The providers that can run <paramref name="taskType"/>, the default first.</summary>
    public static IReadOnlyList<ProviderType> Supported(TaskType taskType) => taskType switch
    {
        TaskType.IMAGE_ADJUSTER or TaskType.BACKGROUND_FIX => Local,
        TaskType.EXPERIMENTAL_FAL => FalOnly,
        TaskType.GENERATION or TaskType.EDITING => Images,
        TaskType.LLM_INTERACTION => Language,
        TaskType.VIDEO_GENERATION => Video,
        _ => ImageJobs,
    };

    /// <summary>The provider used when the task names none.</summary>
    public static ProviderType Default(TaskType taskType) => Supported(taskType)[0];

    public static bool Runs(TaskType taskType, ProviderType provider) => Supported(taskType).Contains(provider);

    /// <summary>The 422 message for an unsupported pair, naming the providers that can.</summary>
    public static string Unsupported(TaskType taskType, ProviderType provider) =>
        $"{taskType} tasks cannot run on provider {provider}; supported: {string.Join(", ", Supported(taskType))}";
}
