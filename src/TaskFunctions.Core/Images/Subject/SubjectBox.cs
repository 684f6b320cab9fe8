using SixLabors.ImageSharp;

namespace TaskFunctions.Core.Images.Subject;

/// <summary>The bounding box of an image's subject in pixels (right and bottom exclusive), and how it was found.</summary>
public sealed record SubjectBox(Rectangle Bounds, SubjectDetectionMethod Method);
