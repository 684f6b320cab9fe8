namespace TaskFunctions.Core.Images.Subject;

/// <summary>How <see cref="SubjectDetector"/> separated the subject from its surroundings.</summary>
public enum SubjectDetectionMethod
{
    /// <summary>The image has transparency: the subject is every pixel opaque enough.</summary>
    Alpha,

    /// <summary>The image is opaque: the subject is every pixel far enough from the background colour estimated on the borders.</summary>
    Background,
}
