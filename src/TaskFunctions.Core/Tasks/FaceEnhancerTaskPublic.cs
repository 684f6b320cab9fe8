namespace TaskFunctions.Core.Tasks;

/// <summary>Task document of a FACE_ENHANCER task.</summary>
public sealed class FaceEnhancerTaskPublic : TaskPublicBase
{
    public override TaskType TaskType => TaskType.FACE_ENHANCER;

    public string InputImagePath { get; set; } = "";

    public string? ResultImagePath { get; set; }

    public int AttemptsUsed { get; set; }

    public bool FaceDetected { get; set; }

    public double? FinalSsimScore { get; set; }

    public double? FinalLpipsScore { get; set; }

    public double? FinalDistsScore { get; set; }

    /// <summary>Whether the fallback provider produced the result; kept once, in <see cref="TaskInternalState.FallbackUsed"/>.</summary>
    public bool FallbackUsed => Internal.FallbackUsed;
}
