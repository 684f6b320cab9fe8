namespace TaskFunctions.Core.Tasks;

/// <summary>Task document of an IMAGE_ADJUSTER task.</summary>
public sealed class ImageAdjusterTaskPublic : TaskPublicBase
{
    public override TaskType TaskType => TaskType.IMAGE_ADJUSTER;

    public string InputImagePath { get; set; } = "";

    public string? ReferenceImagePath { get; set; }

    public string Mode { get; set; } = "auto";

    public int? TargetWidth { get; set; }

    public int? TargetHeight { get; set; }

    public double? AspectRatio { get; set; }

    public double? MarginTop { get; set; }

    public double? MarginBottom { get; set; }

    public double? MarginLeft { get; set; }

    public double? MarginRight { get; set; }

    public double Tolerance { get; set; }

    public string CroppingPosition { get; set; } = "center";

    public string Resampling { get; set; } = ImageResamplers.Default;

    public string? ScalingProportions { get; set; }

    public string? ResultImagePath { get; set; }
}
