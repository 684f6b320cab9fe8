using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace TaskFunctions.Core.Api;

/// <summary>What a file download may ask for: the path below the task's prefix, a byte range, a cached ETag.</summary>
/// <remarks>Pure rules, no I/O; <see cref="TasksApi.GetFileAsync"/> applies them.</remarks>
public static class TaskFileRequest
{
    /// <summary>Longer paths are never a task's file (blob names are at most 1024 characters with the task id).</summary>
    public const int MaxPathLength = 960;

    /// <summary>
    /// Accepts the <c>{*path}</c> of <c>/files/</c> only when it names a file below the task's prefix: relative
    /// segments separated by <c>/</c>, none empty, <c>.</c> or <c>..</c> or ending in a dot, no backslash, no
    /// <c>%</c> (an escape the host left encoded, such as <c>%2F</c>) and no control characters. Anything else
    /// could address another blob, so the caller answers 404.
    /// </summary>
    public static bool TryNormalizePath(string? path, [NotNullWhen(true)] out string? relative)
    {
        relative = null;
        if (string.IsNullOrEmpty(path) || path.Length > MaxPathLength)
        {
            return false;
        }

        foreach (var c in path)
        {
            if (c is '\\' or '%' || char.IsControl(c))
            {
                return false;
            }
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment.EndsWith('.') || segment.Trim().Length == 0)
            {
                return false;
            }
        }

        relative = path;
        return true;
    }

    /// <summary>
    /// The one range of <c>Range: bytes=…</c> (<c>a-b</c>, <c>a-</c> or <c>-suffix</c>) against a file of
    /// <paramref name="length"/> bytes. No header, another unit, a malformed value or several ranges serve the whole
    /// file (a server may ignore Range); a well-formed range that starts past the end is unsatisfiable (416).
    /// </summary>
    public static ByteRange ParseRange(string? header, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var full = ByteRange.Full(length);
        if (string.IsNullOrWhiteSpace(header))
        {
            return full;
        }

        var value = header.Trim();
        const string Unit = "bytes=";
        if (!value.StartsWith(Unit, StringComparison.OrdinalIgnoreCase))
        {
            return full;
        }

        var spec = value[Unit.Length..].Trim();
        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (spec.Contains(',', StringComparison.Ordinal) || dash < 0)
        {
            return full;
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            // Suffix range: the last N bytes.
            if (!TryParseDigits(last, out var suffix))
            {
                return full;
            }

            return suffix == 0 || length == 0
                ? ByteRange.Unsatisfiable(length)
                : ByteRange.Partial(Math.Max(0, length - suffix), length - 1, length);
        }

        if (!TryParseDigits(first, out var start))
        {
            return full;
        }

        var end = length - 1;
        if (last.Length > 0)
        {
            if (!TryParseDigits(last, out var requestedEnd) || requestedEnd < start)
            {
                return full;
            }

            end = Math.Min(requestedEnd, length - 1);
        }

        return start >= length ? ByteRange.Unsatisfiable(length) : ByteRange.Partial(start, end, length);
    }

    /// <summary>Whether <c>If-None-Match</c> names the file's current ETag (weak comparison, <c>*</c> matches).</summary>
    public static bool IfNoneMatchHits(string? header, string etag)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return false;
        }

        var current = Opaque(etag);
        foreach (var candidate in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (candidate == "*" || string.Equals(Opaque(candidate), current, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a Range may be honoured under <c>If-Range</c>: always without it; with it only when it is the current
    /// strong ETag (a date or another tag means the cached part is stale, so the whole file is sent).
    /// </summary>
    public static bool IfRangeAllows(string? header, string etag)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return true;
        }

        var value = header.Trim();
        return !value.StartsWith("W/", StringComparison.Ordinal) && string.Equals(value, etag, StringComparison.Ordinal);
    }

    private static string Opaque(string tag) => tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;

    private static bool TryParseDigits(string text, out long value)
    {
        value = 0;
        return text.Length > 0
            && text.All(char.IsAsciiDigit)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}

/// <summary>How much of a file to send.</summary>
public enum ByteRangeKind
{
    /// <summary>The whole file, 200.</summary>
    Full,

    /// <summary>One range, 206 with Content-Range.</summary>
    Partial,

    /// <summary>A range past the end, 416 with <c>Content-Range: bytes */length</c>.</summary>
    Unsatisfiable,
}

/// <summary>The bytes <see cref="Offset"/>..<see cref="Last"/> (inclusive) of a file of <see cref="TotalLength"/> bytes.</summary>
public readonly record struct ByteRange(ByteRangeKind Kind, long Offset, long Last, long TotalLength)
{
    /// <summary>How many bytes are sent.</summary>
    public long Length => Kind == ByteRangeKind.Unsatisfiable ? 0 : Last - Offset + 1;

    /// <summary>The Content-Range value of a 206 or 416.</summary>
    public string ContentRange => Kind == ByteRangeKind.Unsatisfiable
        ? $"bytes */{TotalLength.ToString(CultureInfo.InvariantCulture)}"
        : string.Create(CultureInfo.InvariantCulture, $"bytes {Offset}-{Last}/{TotalLength}");

    public static ByteRange Full(long length) => new(ByteRangeKind.Full, 0, length - 1, length);

    public static ByteRange Partial(long offset, long last, long length) => new(ByteRangeKind.Partial, offset, last, length);

    public static ByteRange Unsatisfiable(long length) => new(ByteRangeKind.Unsatisfiable, 0, -1, length);
}
