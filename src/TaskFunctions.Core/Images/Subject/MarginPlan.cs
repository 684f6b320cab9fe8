using SixLabors.ImageSharp;

namespace TaskFunctions.Core.Images.Subject;

/// <summary>The geometry of one margin adjustment: scale the source, place it on a canvas, pad or crop the rest.</summary>
/// <remarks>
/// Applied as: resample the whole source to <see cref="ScaledSize"/> and put its top-left corner at
/// <see cref="Offset"/> on a <see cref="Canvas"/>-sized canvas (the offset may be negative: that part is cropped).
/// <see cref="SourceRect"/> is the part of the source that ends up visible, <see cref="DestRect"/> where it lands;
/// canvas pixels outside <see cref="DestRect"/> are padding. When <see cref="NoOp"/> is true the image is left as it is.
/// </remarks>
/// <param name="Scale">Scale factor applied to the source (1 when nothing is resampled).</param>
/// <param name="SourceRect">Source pixels visible on the canvas.</param>
/// <param name="DestRect">Where <paramref name="SourceRect"/> lands on the canvas.</param>
/// <param name="Canvas">Size of the output image.</param>
/// <param name="NoOp">True when the source already has the requested size and margins within tolerance.</param>
/// <param name="Source">Size of the source image.</param>
/// <param name="ScaledSize">Size of the whole source after scaling.</param>
/// <param name="Offset">Canvas position of the scaled source's top-left corner.</param>
/// <param name="Subject">The subject's box on the canvas (may extend past it when a mode crops the subject).</param>
/// <param name="Margins">The subject's resulting margins as fractions of <paramref name="Canvas"/>; negative where the subject is cropped.</param>
/// <param name="Proportions">The scaling proportions the plan was made for.</param>
public sealed record MarginPlan(
    double Scale,
    Rectangle SourceRect,
    Rectangle DestRect,
    Size Canvas,
    bool NoOp,
    Size Source,
    Size ScaledSize,
    Point Offset,
    Rectangle Subject,
    MarginSet Margins,
    ScalingProportions Proportions)
{
    /// <summary>True when the source is resampled to another size.</summary>
    public bool Resamples => ScaledSize != Source;

    /// <summary>True when some canvas pixels get no source pixel (borders are added).</summary>
    public bool Pads => DestRect != new Rectangle(Point.Empty, Canvas);
}
