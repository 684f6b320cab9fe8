namespace TaskFunctions.Core.Images;

/// <summary>The outcome of <see cref="ImageAdjuster.AdjustAsync"/>: the written image's size and type, and the plan applied.</summary>
public sealed record AdjustResult(int Width, int Height, string ContentType, AdjustPlan Plan);
