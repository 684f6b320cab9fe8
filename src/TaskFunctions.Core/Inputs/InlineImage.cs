namespace TaskFunctions.Core.Inputs;

/// <summary>A decoded inline image waiting to be stored.</summary>
public sealed record InlineImage(string Field, byte[] Bytes, string ContentType, string Extension);
