namespace TaskFunctions.Core.Tasks;

/// <summary>Task document of a BACKGROUND_REMOVAL task.</summary>
public sealed class BackgroundRemovalTaskPublic : TaskPublicBase
{
    public override TaskType TaskType => TaskType.BACKGROUND_REMOVAL;

    public List<string> InputImagePaths { get; set; } = [];

    public List<string>? ResultImagePaths { get; set; }
}
