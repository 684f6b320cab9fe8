namespace TaskFunctions.Core.Images;

/// <summary>How an image is brought to the target size or aspect ratio (wire values "auto", "crop", "pad", "scale").</summary>
public enum ResizeMode
{
    /// <summary>Pad when the aspect difference exceeds 5 %, otherwise crop.</summary>
    Auto,

    /// <summary>Remove pixels outside the target aspect ratio.</summary>
    Crop,

    /// <summary>Add borders so the whole source fits the target aspect ratio.</summary>
    Pad,

    /// <summary>Stretch to the target, ignoring the source aspect ratio.</summary>
    Scale,
}
