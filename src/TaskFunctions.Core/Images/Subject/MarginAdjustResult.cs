namespace TaskFunctions.Core.Images.Subject;

/// <summary>The outcome of <see cref="MarginAdjuster.AdjustAsync"/>: the written image, the plan applied and what was detected.</summary>
/// <param name="Width">Width of the written image.</param>
/// <param name="Height">Height of the written image.</param>
/// <param name="ContentType">Content type of the written image (always PNG).</param>
/// <param name="Plan">The geometry applied.</param>
/// <param name="Subject">The input's detected subject; null when none was found and the whole image was used instead.</param>
/// <param name="Margins">The margins requested after merging the reference image's.</param>
public sealed record MarginAdjustResult(int Width, int Height, string ContentType, MarginPlan Plan, SubjectBox? Subject, MarginSet Margins);
