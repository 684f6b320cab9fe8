namespace TaskFunctions.Core.Images;

/// <summary>Which image of an operation an <see cref="InvalidImageException"/> is about.</summary>
public enum ImageInputRole
{
    /// <summary>The image being worked on.</summary>
    Input,

    /// <summary>A second image the work is measured against (the margins of IMAGE_ADJUSTER's reference image).</summary>
    Reference,
}
