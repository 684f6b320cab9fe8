using System.ComponentModel.DataAnnotations;

namespace TaskFunctions.Core.Net;

/// <summary>Limits of every server-side fetch (section <c>Outbound</c>): private-address exceptions, redirects, size, time, local path root.</summary>
public sealed class OutboundOptions : IValidatableObject
{
    public const string SectionName = "Outbound";

    /// <summary><c>host:port</c> entries (e.g. <c>127.0.0.1:7071</c>, <c>[::1]:8080</c>, <c>fake-provider:80</c>) that may resolve to forbidden addresses.</summary>
    /// <remarks>Empty by default because the configuration binder appends to, rather than replaces, a pre-filled list.
    /// Only for tests and local fakes; in Azure it stays empty.</remarks>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Redirects followed before the fetch fails; each target is re-checked.</summary>
    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;

    /// <summary>Largest accepted response body, checked against Content-Length and while reading.</summary>
    [Range(typeof(long), "1", "2147483591")]
    public long MaxResponseBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Budget of the whole fetch: resolution, connects, redirects and the body.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Directory below which local input paths are allowed; null disables local paths.</summary>
    public string? LocalPathRoot { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Blank entries are how a settings file says "none" (local.settings.sample.json lists the key empty).
        foreach (string entry in AllowedHosts.Where(e => !string.IsNullOrWhiteSpace(e)))
        {
            if (!HostPort.TryParseEntry(entry, out _))
            {
                yield return new ValidationResult(
                    $"Outbound:AllowedHosts entry '{entry}' must be host:port (IPv6 literals in brackets, port 1-65535).",
                    [nameof(AllowedHosts)]);
            }
        }

        if (!string.IsNullOrWhiteSpace(LocalPathRoot) && !Path.IsPathFullyQualified(LocalPathRoot))
        {
            yield return new ValidationResult("Outbound:LocalPathRoot must be an absolute path.", [nameof(LocalPathRoot)]);
        }
    }
}
