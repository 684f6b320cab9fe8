namespace TaskFunctions.Core.Tasks;

/// <summary>Per-kind registry: blob container and the model types of each task kind.</summary>
public static class TaskKinds
{
    private static readonly Dictionary<TaskType, (string Container, Type Create, Type Public, Type Update)> Kinds = new()
    {
        [TaskType.GENERATION] = ("generations", typeof(CreateGenerationTask), typeof(GenerationTaskPublic), typeof(GenerationTaskPublicUpdate)),
        [TaskType.EDITING] = ("editings", typeof(CreateEditingTask), typeof(EditingTaskPublic), typeof(EditingTaskPublicUpdate)),
        [TaskType.REFINE] = ("refines", typeof(CreateRefineTask), typeof(RefineTaskPublic), typeof(RefineTaskPublicUpdate)),
        [TaskType.EXPERIMENTAL_FAL] = ("experimental-fal", typeof(CreateExperimentalFalTask), typeof(ExperimentalFalTaskPublic), typeof(ExperimentalFalTaskPublicUpdate)),
        [TaskType.VIDEO_GENERATION] = ("video-generations", typeof(CreateVideoGenerationTask), typeof(VideoGenerationTaskPublic), typeof(VideoGenerationTaskPublicUpdate)),
        [TaskType.LLM_INTERACTION] = ("llm-interactions", typeof(CreateLLMInteractionTask), typeof(LLMInteractionTaskPublic), typeof(LLMInteractionTaskPublicUpdate)),
        [TaskType.BACKGROUND_REMOVAL] = ("background-removals", typeof(CreateBackgroundRemovalTask), typeof(BackgroundRemovalTaskPublic), typeof(BackgroundRemovalTaskPublicUpdate)),
        [TaskType.DETAIL_ENHANCER] = ("detail-enhancements", typeof(CreateDetailEnhancerTask), typeof(DetailEnhancerTaskPublic), typeof(DetailEnhancerTaskPublicUpdate)),
        [TaskType.BACKGROUND_FIX] = ("background-fixes", typeof(CreateBackgroundFixTask), typeof(BackgroundFixTaskPublic), typeof(BackgroundFixTaskPublicUpdate)),
        [TaskType.IMAGE_ADJUSTER] = ("image-adjustments", typeof(CreateImageAdjusterTask), typeof(ImageAdjusterTaskPublic), typeof(ImageAdjusterTaskPublicUpdate)),
        [TaskType.FACE_ENHANCER] = ("face-enhancements", typeof(CreateFaceEnhancerTask), typeof(FaceEnhancerTaskPublic), typeof(FaceEnhancerTaskPublicUpdate)),
    };

    /// <summary>Every kind, in declaration order.</summary>
    public static IReadOnlyList<TaskType> All { get; } = Enum.GetValues<TaskType>();

    /// <summary>The blob container holding the kind's files (<c>{container}/{task_id}/…</c>).</summary>
    public static string Container(TaskType kind) => Get(kind).Container;

    /// <summary>The <c>Create*Task</c> request type.</summary>
    public static Type CreateType(TaskType kind) => Get(kind).Create;

    /// <summary>The <c>*TaskPublic</c> document type.</summary>
    public static Type PublicType(TaskType kind) => Get(kind).Public;

    /// <summary>The <c>*TaskPublicUpdate</c> PUT body type (see <see cref="GenerationTaskUpdate"/> for the generation route).</summary>
    public static Type PublicUpdateType(TaskType kind) => Get(kind).Update;

    private static (string Container, Type Create, Type Public, Type Update) Get(TaskType kind) =>
        Kinds.TryGetValue(kind, out var entry)
            ? entry
            : throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown task type.");
}
