namespace TaskFunctions.Core.Tasks;

/// <summary>Task document of a BACKGROUND_FIX task.</summary>
public sealed class BackgroundFixTaskPublic : TaskPublicBase
{
    public override TaskType TaskType => TaskType.BACKGROUND_FIX;

    public string BaseImagePath { get; set; } = "";

    public string PaletteImagePath { get; set; } = "";

    public BackgroundFixStrategy Strategy { get; set; } = BackgroundFixStrategy.HSV_SHIFT;

    public double MaskExpansionPercentage { get; set; } = 0.005;

    public double EdgeBlurSigma { get; set; } = 20.0;

    public int ShadowThreshold { get; set; } = 150;

    public int LightThreshold { get; set; } = 220;

    public string? ResultImagePath { get; set; }
}
