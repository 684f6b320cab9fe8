namespace TaskFunctions.Core.Images.Subject;

/// <summary>What an IMAGE_ADJUSTER task with margins asks for (see <see cref="MarginGeometry"/> for the rules).</summary>
/// <param name="TargetWidth">Final width in pixels; set together with <paramref name="TargetHeight"/>.</param>
/// <param name="TargetHeight">Final height in pixels; set together with <paramref name="TargetWidth"/>.</param>
/// <param name="AspectRatio">Final width/height, used only without a target size.</param>
/// <param name="Margins">Minimum subject margins as fractions of the final size; null sides are unconstrained.</param>
/// <param name="ScalingProportions">How the subject is scaled into the margins.</param>
/// <param name="Resampling">Engine resampler name (see <see cref="ResamplerNames"/>).</param>
/// <param name="Tolerance">0-1: how far the current margins and size may be off before anything changes; 0 means pixel-perfect.</param>
/// <param name="ReferenceImage">
/// Optional image whose subject margins are requested for every side <paramref name="Margins"/> leaves null; without
/// a target size or aspect ratio, its aspect ratio becomes the target's. Read to the end; not disposed.
/// </param>
public sealed record MarginRequest(
    int? TargetWidth,
    int? TargetHeight,
    double? AspectRatio,
    MarginSet Margins,
    ScalingProportions ScalingProportions,
    string Resampling,
    double Tolerance,
    Stream? ReferenceImage = null);
