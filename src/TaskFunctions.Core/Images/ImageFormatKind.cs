namespace TaskFunctions.Core.Images;

/// <summary>Image formats recognised by their magic bytes; only these are ever decoded.</summary>
public enum ImageFormatKind
{
    Unknown,
    Png,
    Jpeg,
    WebP,
}
