using System.Globalization;
using System.Net;

namespace TaskFunctions.Core.Net;

/// <summary>Canonical <c>host:port</c> keys, so allow-list entries and request targets compare equal however they are spelled.</summary>
internal static class HostPort
{
    /// <summary>Lower-cased host without brackets or trailing dot (IP literals in canonical form), a colon, the port.</summary>
    public static string Key(string host, int port) =>
        NormalizeHost(host) + ":" + port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Host as the resolver should see it: no IPv6 brackets, no trailing root dot, lower case.</summary>
    public static string NormalizeHost(string host)
    {
        string trimmed = host.Trim();
        if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
        {
            trimmed = trimmed[1..^1];
        }

        trimmed = trimmed.TrimEnd('.').ToLowerInvariant();
        return IPAddress.TryParse(trimmed, out IPAddress? address) ? address.ToString() : trimmed;
    }

    /// <summary>Parses an allow-list entry such as <c>localhost:5000</c>, <c>127.0.0.1:5000</c> or <c>[::1]:5000</c>.</summary>
    public static bool TryParseEntry(string? entry, out string key)
    {
        key = string.Empty;
        if (string.IsNullOrWhiteSpace(entry))
        {
            return false;
        }

        string text = entry.Trim();
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        string host = text[..colon];
        // An unbracketed IPv6 literal is ambiguous ("::1:80"); demand the bracketed form.
        if (host.Contains(':', StringComparison.Ordinal) && !(host.StartsWith('[') && host.EndsWith(']')))
        {
            return false;
        }

        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            return false;
        }

        if (NormalizeHost(host).Length == 0)
        {
            return false;
        }

        key = Key(host, port);
        return true;
    }
}
