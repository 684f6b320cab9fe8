namespace TaskFunctions.Core.Images.Subject;

/// <summary>How <see cref="MarginGeometry"/> scales the subject into the margins (see there for the exact rules).</summary>
public enum ScalingProportions
{
    /// <summary>Largest scale that keeps all four minimum margins; the default.</summary>
    Fit,

    /// <summary>Like <see cref="Fit"/>, but prefers covering the whole canvas with image pixels over keeping one axis's margins.</summary>
    Fill,

    /// <summary>Subject height plus top and bottom margins fills the final height exactly; may crop horizontally.</summary>
    Height,

    /// <summary>Subject width plus left and right margins fills the final width exactly; may crop vertically.</summary>
    Width,
}
