namespace TaskFunctions.Core.Tasks;

/// <summary>Task document of a REFINE task.</summary>
public sealed class RefineTaskPublic : TaskPublicBase
{
    public override TaskType TaskType => TaskType.REFINE;

    public double? UpscaleFactor { get; set; }

    public long? UpscaleSeed { get; set; }

    public int? UpscaleSteps { get; set; }

    public double? UpscaleDenoise { get; set; }

    public long? FaceDetailSeed { get; set; }

    public int? FaceDetailSteps { get; set; }

    public double? FaceDetailDenoise { get; set; }

    public int? TargetWidth { get; set; }

    public int? TargetHeight { get; set; }

    public string? ResultImagePath { get; set; }

    public string? FalAppId { get; set; }

    public string? FalRequestId { get; set; }
}
