using System.Text.Json.Nodes;

namespace TaskFunctions.Core.Providers;

/// <summary>What kind of file a provider produced.</summary>
public enum ProviderFileKind
{
    Image,
    Video,
    Other,
}

/// <summary>One output file the provider serves at <paramref name="Url"/> (often short-lived: copy it at once).</summary>
/// <param name="JsonPath">Where in <see cref="ProviderOutput.Raw"/> the file's URL sits, e.g. <c>$.images[0].url</c>.</param>
public sealed record ProviderFile(Uri Url, ProviderFileKind Kind, string? ContentType, string? FileName, string JsonPath);

/// <summary>Token counts a language model reported; each null when the provider does not say.</summary>
public sealed record TokenUsage(int? InputTokens, int? OutputTokens);

/// <summary>What a face model reported about its output; each null when the provider does not say.</summary>
public sealed record FaceReport(bool? FaceDetected, double? LpipsScore, double? DistsScore);

/// <summary>
/// A finished job's output: the provider's JSON as returned, the files found in it, and what the provider reported
/// beyond files (text, token usage, face findings) — only what it reported, never invented.
/// </summary>
public sealed record ProviderOutput(
    JsonNode? Raw,
    IReadOnlyList<ProviderFile> Files,
    string? Text = null,
    string? ProviderRequestId = null,
    TokenUsage? Usage = null,
    FaceReport? Faces = null);
