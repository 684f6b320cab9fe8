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

/// <summary>A finished job's output: the provider's JSON as returned, the files found in it, and optional text.</summary>
public sealed record ProviderOutput(JsonNode? Raw, IReadOnlyList<ProviderFile> Files, string? Text = null, string? ProviderRequestId = null);
