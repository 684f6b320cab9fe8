namespace TaskFunctions.Core.Images;

/// <summary>What an IMAGE_ADJUSTER task asks for: a target size (both sides) or an aspect ratio, and how to reach it.</summary>
/// <param name="Mode">How to reach the target.</param>
/// <param name="TargetWidth">Target width in pixels; set together with <paramref name="TargetHeight"/>.</param>
/// <param name="TargetHeight">Target height in pixels; set together with <paramref name="TargetWidth"/>.</param>
/// <param name="AspectRatio">Target width/height; used only when no target size is given.</param>
/// <param name="CroppingPosition">Which part of the source a crop keeps.</param>
/// <param name="Resampling">Wire name of the resampler (see <see cref="ResamplerNames"/>).</param>
/// <param name="Tolerance">Relative difference (0-1) below which the image is left as it is; 0 means pixel-perfect.</param>
public sealed record AdjustRequest(
    ResizeMode Mode,
    int? TargetWidth,
    int? TargetHeight,
    double? AspectRatio,
    CroppingPosition CroppingPosition,
    string Resampling,
    double Tolerance);
