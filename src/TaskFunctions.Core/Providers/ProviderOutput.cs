using System.Text.Json.Nodes;

namespace TaskFunctions.Core.Providers;

/// <summary>What kind of file a provider produced.</summary>
public enum ProviderFileKind
{
    Image,
    Video,
    Other,
}

/// <summary>
/// One output file: served at <paramref name="Url"/> (often short-lived: copy it at once, through the SSRF guard), or
/// already in hand as <paramref name="Content"/> (a provider that returns bytes, or one whose file host is the
/// configured provider itself and was read by its own client).
/// </summary>
/// <param name="JsonPath">Where in <see cref="ProviderOutput.Raw"/> the file sits, e.g. <c>$.images[0].url</c>.</param>
public sealed record ProviderFile(Uri? Url, ProviderFileKind Kind, string? ContentType, string? FileName, string JsonPath, byte[]? Content = null)
{
    /// <summary>A file whose bytes the provider returned inline.</summary>
    public static ProviderFile Inline(byte[] content, ProviderFileKind kind, string? contentType, string jsonPath, string? fileName = null) =>
        new(null, kind, contentType, fileName, jsonPath, content);
}

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
