using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace TaskFunctions.Core.Providers.Replicate;

/// <summary>
/// A Replicate model reference as used for a job's endpoint: <c>owner/name</c> (created through
/// <c>POST /v1/models/{owner}/{name}/predictions</c>) or <c>owner/name:version</c> (through <c>POST /v1/predictions</c>).
/// Anything else is refused before it reaches a URL.
/// </summary>
public sealed partial record ReplicateModelRef(string Owner, string Name, string? Version)
{
    /// <summary>"owner/name".</summary>
    public string Model => $"{Owner}/{Name}";

    /// <summary>The endpoint string: "owner/name" or "owner/name:version".</summary>
    public override string ToString() => Version is null ? Model : $"{Model}:{Version}";

    public static bool TryParse(string? text, [NotNullWhen(true)] out ReplicateModelRef? model)
    {
        model = null;
        if (string.IsNullOrWhiteSpace(text) || Pattern().Match(text.Trim()) is not { Success: true } match)
        {
            return false;
        }

        model = new ReplicateModelRef(match.Groups["owner"].Value, match.Groups["name"].Value, match.Groups["version"].Success ? match.Groups["version"].Value : null);
        return true;
    }

    /// <summary>Whether <paramref name="version"/> looks like a version id (letters, digits, '.', '_', '-').</summary>
    public static bool IsVersion(string? version) => !string.IsNullOrWhiteSpace(version) && VersionPattern().IsMatch(version.Trim());

    [GeneratedRegex(@"^(?<owner>[A-Za-z0-9][A-Za-z0-9._-]{0,99})/(?<name>[A-Za-z0-9][A-Za-z0-9._-]{0,99})(?::(?<version>[A-Za-z0-9][A-Za-z0-9._-]{0,127}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
