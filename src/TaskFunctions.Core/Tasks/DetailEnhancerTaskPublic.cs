namespace TaskFunctions.Core.Tasks;

/// <summary>Task document of a DETAIL_ENHANCER task.</summary>
public sealed class DetailEnhancerTaskPublic : TaskPublicBase
{
    public override TaskType TaskType => TaskType.DETAIL_ENHANCER;

    public string BaseImagePath { get; set; } = "";

    public string ReferenceImagePath { get; set; } = "";

    public string? DetailLabel { get; set; }

    public string? ResultImagePath { get; set; }

    /// <summary>Whether the fallback provider produced the result; kept once, in <see cref="TaskInternalState.FallbackUsed"/>.</summary>
    public bool FallbackUsed => Internal.FallbackUsed;
}
