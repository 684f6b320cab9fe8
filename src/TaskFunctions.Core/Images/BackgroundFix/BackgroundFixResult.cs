namespace TaskFunctions.Core.Images.BackgroundFix;

/// <summary>The outcome of <see cref="BackgroundFixer.FixAsync"/>: the written image's size, the colour aimed at and the mask split.</summary>
/// <param name="Width">Width of the written PNG.</param>
/// <param name="Height">Height of the written PNG.</param>
/// <param name="TargetColor">The palette's dominant colour as <c>#RRGGBB</c> (upper-case hex).</param>
/// <param name="PersonPixels">Pixels the mask source marked as person (coverage ≥ 0.5), before expansion.</param>
/// <param name="BackgroundPixels">All other pixels.</param>
/// <param name="MaskSource">Name of the <see cref="IPersonMaskSource"/> that separated the person.</param>
public sealed record BackgroundFixResult(
    int Width,
    int Height,
    string TargetColor,
    long PersonPixels,
    long BackgroundPixels,
    string MaskSource);
