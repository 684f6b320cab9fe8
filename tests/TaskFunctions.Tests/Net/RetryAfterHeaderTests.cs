using System.Net;
using System.Net.Http.Headers;
using TaskFunctions.Core.Net;

namespace TaskFunctions.Tests.Net;

public sealed class RetryAfterHeaderTests
{
    // "Now" on the server's clock: 2015-10-21 07:28:00 UTC.
    private static readonly DateTimeOffset Now = new(2015, 10, 21, 7, 28, 0, TimeSpan.Zero);

    [Theory]
    // Retry-After: delta seconds, fractions (gateways), negatives, garbage.
    [InlineData("3", null, "default", 3_000.0)]
    [InlineData("0", null, "default", 0.0)]
    [InlineData("1.5", null, "default", 1_500.0)]
    [InlineData(" 7 ", null, "default", 7_000.0)]
    [InlineData("-5", null, "default", 0.0)]
    [InlineData("soon", null, "default", null)]
    [InlineData("NaN", null, "default", null)]
    [InlineData("", null, "default", null)]
    [InlineData(null, null, "default", null)]
    // Retry-After: HTTP dates, measured from the server's now; the past is zero.
    [InlineData("Wed, 21 Oct 2015 07:28:30 GMT", null, "default", 30_000.0)]
    [InlineData("Wednesday, 21-Oct-15 07:28:30 GMT", null, "default", 30_000.0)]
    [InlineData("Wed, 21 Oct 2015 07:27:00 GMT", null, "default", 0.0)]
    // retry-after-ms: used alone, and wins over Retry-After when both parse; a bad one is skipped.
    [InlineData(null, "1500", "default", 1_500.0)]
    [InlineData(null, "12.5", "default", 12.5)]
    [InlineData("30", "250", "default", 250.0)]
    [InlineData("30", "soon", "default", 30_000.0)]
    [InlineData(null, "-100", "default", 0.0)]
    [InlineData(null, "Infinity", "default", null)]
    // Default rule: everything up to a day is honoured, longer waits are cut to a day.
    [InlineData("86400", null, "default", 86_400_000.0)]
    [InlineData("999999999", null, "default", 86_400_000.0)]
    [InlineData("Fri, 21 Oct 2016 07:28:00 GMT", null, "default", 86_400_000.0)]
    [InlineData(null, "1e300", "default", 86_400_000.0)]
    // OpenAI's rule (official clients): only (0, 120 s] is honoured, everything else is ignored.
    [InlineData("120", null, "upTo120s", 120_000.0)]
    [InlineData("121", null, "upTo120s", null)]
    [InlineData("0", null, "upTo120s", null)]
    [InlineData(null, "0", "upTo120s", null)]
    [InlineData(null, "200000", "upTo120s", null)]
    [InlineData("3", "250", "upTo120s", 250.0)]
    [InlineData("Wed, 21 Oct 2015 07:27:00 GMT", null, "upTo120s", null)]
    [InlineData("Wed, 21 Oct 2015 07:29:00 GMT", null, "upTo120s", 60_000.0)]
    public void Parse_HeaderValues_ReturnsTheHonouredWait(string? retryAfter, string? retryAfterMs, string rule, double? expectedMs)
    {
        var wait = RetryAfterHeader.Parse(retryAfter, retryAfterMs, Now, Rule(rule));

        Assert.Equal(expectedMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, wait);
    }

    [Fact]
    public void Parse_ResponseWithDateHeader_MeasuresHttpDateFromTheServersClock()
    {
        // The server's clock is 10 minutes behind ours: its date means "30 s from my now", not "in the past".
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.Date = Now;
        response.Headers.TryAddWithoutValidation("Retry-After", Now.AddSeconds(30).ToString("R"));

        var wait = RetryAfterHeader.Parse(response.Headers, Now.AddMinutes(10));

        Assert.Equal(TimeSpan.FromSeconds(30), wait);
    }

    [Fact]
    public void Parse_ResponseWithoutDateHeader_MeasuresHttpDateFromNow()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(45));

        var wait = RetryAfterHeader.Parse(response.Headers, Now);

        Assert.Equal(TimeSpan.FromSeconds(45), wait);
    }

    [Fact]
    public void Parse_ResponseWithTypedDeltaAndFractionalMilliseconds_PrefersMilliseconds()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
        response.Headers.TryAddWithoutValidation("retry-after-ms", "1500.5");

        var wait = RetryAfterHeader.Parse(response.Headers, Now);

        Assert.Equal(TimeSpan.FromMilliseconds(1500.5), wait);
    }

    [Fact]
    public void Parse_ResponseWithoutHeaders_ReturnsNull()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);

        Assert.Null(RetryAfterHeader.Parse(response.Headers, Now));
    }

    private static RetryAfterRule Rule(string name) => name switch
    {
        "default" => RetryAfterRule.Default,
        "upTo120s" => RetryAfterRule.HonourUpTo(TimeSpan.FromSeconds(120)),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
