namespace TaskFunctions.Core.Images;

/// <summary>The geometry of one adjustment: crop the source, resample the crop, place it on a canvas.</summary>
/// <remarks>
/// Applied in order: take <c>Crop*</c> from the source, resample it to <c>Scaled*</c>, and place it at
/// (<see cref="OffsetX"/>, <see cref="OffsetY"/>) on a <c>Canvas*</c> canvas. When <see cref="NoOp"/> is true every
/// rectangle equals the source and the image is left as it is.
/// </remarks>
public sealed record AdjustPlan(
    ResizeMode Operation,
    bool NoOp,
    double AspectDifference,
    int SourceWidth,
    int SourceHeight,
    int CropX,
    int CropY,
    int CropWidth,
    int CropHeight,
    int ScaledWidth,
    int ScaledHeight,
    int CanvasWidth,
    int CanvasHeight,
    int OffsetX,
    int OffsetY)
{
    /// <summary>True when the crop rectangle is smaller than the source.</summary>
    public bool Crops => CropWidth != SourceWidth || CropHeight != SourceHeight;

    /// <summary>True when the cropped pixels are resampled to another size.</summary>
    public bool Resamples => ScaledWidth != CropWidth || ScaledHeight != CropHeight;

    /// <summary>True when the canvas is larger than the scaled image, i.e. borders are added.</summary>
    public bool Pads => CanvasWidth != ScaledWidth || CanvasHeight != ScaledHeight;
}
