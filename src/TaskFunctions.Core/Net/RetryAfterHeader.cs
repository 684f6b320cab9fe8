using System.Globalization;
using System.Net.Http.Headers;

namespace TaskFunctions.Core.Net;

/// <summary>
/// The one reading of a server's "wait before retrying" headers, used by every provider classifier and the webhook sender.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item><c>retry-after-ms</c> (OpenAI-style, milliseconds, fractions allowed) wins when it parses: it is the more precise
/// of the two, and a server sending both means the same wait.</item>
/// <item>Else <c>Retry-After</c>: delta seconds (fractions accepted, as some gateways send them) or an HTTP date, measured
/// from the response's own <c>Date</c> when it has one (so clock skew between us and the server does not count), else
/// from <c>now</c>.</item>
/// <item>A header that does not parse (or is not finite) is skipped; with neither usable the answer is null.</item>
/// <item>A negative wait (a date in the past) is zero; then <see cref="RetryAfterRule"/> decides what is honoured: by
/// default waits are cut to one day; a caller may instead ignore waits outside (0, max].</item>
/// </list>
/// </remarks>
public static class RetryAfterHeader
{
    public const string Name = "Retry-After";
    public const string MillisecondsName = "retry-after-ms";

    /// <summary>The wait <paramref name="headers"/> ask for under <paramref name="rule"/> (<see cref="RetryAfterRule.Default"/> when omitted); null when none.</summary>
    public static TimeSpan? Parse(HttpResponseHeaders headers, DateTimeOffset now, RetryAfterRule? rule = null)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var serverNow = headers.Date ?? now;
        return Parse(First(headers, Name), First(headers, MillisecondsName), serverNow, rule ?? RetryAfterRule.Default);
    }

    /// <summary>
    /// The wait the raw header values ask for, HTTP dates measured from <paramref name="now"/> (the server's clock when
    /// known); null when neither value is usable or <paramref name="rule"/> does not honour it.
    /// </summary>
    public static TimeSpan? Parse(string? retryAfter, string? retryAfterMs, DateTimeOffset now, RetryAfterRule rule)
    {
        var asked = Milliseconds(retryAfterMs) ?? SecondsOrDate(retryAfter, now);
        if (asked is not { } wait)
        {
            return null;
        }

        if (wait < TimeSpan.Zero)
        {
            wait = TimeSpan.Zero;
        }

        if (rule.IgnoreOutOfRange)
        {
            return wait > TimeSpan.Zero && wait <= rule.Max ? wait : null;
        }

        return wait > rule.Max ? rule.Max : wait;
    }

    private static TimeSpan? Milliseconds(string? value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && double.IsFinite(millis)
            ? FromMilliseconds(millis)
            : null;

    private static TimeSpan? SecondsOrDate(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return double.IsFinite(seconds) ? FromMilliseconds(seconds * 1000) : null;
        }

        // RFC 9110 HTTP-date (IMF-fixdate, and the obsolete RFC 850 and asctime forms), as HttpClient reads it.
        if (RetryConditionHeaderValue.TryParse(value, out var typed) && typed.Date is { } httpDate)
        {
            return httpDate - now;
        }

        // Other date spellings some servers use (ISO 8601 and the like), taken as UTC unless they say otherwise.
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? date - now
            : null;
    }

    // Clamped before conversion: TimeSpan overflows near 29 000 years, and no rule honours anything close.
    private static TimeSpan FromMilliseconds(double millis) =>
        TimeSpan.FromMilliseconds(Math.Clamp(millis, -TimeSpan.FromDays(3650).TotalMilliseconds, TimeSpan.FromDays(3650).TotalMilliseconds));

    private static string? First(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault()?.Trim() : null;
}
