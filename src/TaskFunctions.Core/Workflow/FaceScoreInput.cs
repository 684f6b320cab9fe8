namespace TaskFunctions.Core.Workflow;

/// <summary>Input of <see cref="TaskNames.ScoreFaceAttempt"/>: the stored output of one quality-loop attempt.</summary>
public sealed record FaceScoreInput(string TaskId, string AttemptPath);
