using System.Net;
using System.Net.Sockets;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Providers;

public sealed class HttpFailureClassifierTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Theory]
    [InlineData(400, ErrorCategory.VALIDATION, false)]
    [InlineData(422, ErrorCategory.VALIDATION, false)]
    [InlineData(401, ErrorCategory.AUTHENTICATION, false)]
    [InlineData(403, ErrorCategory.AUTHENTICATION, false)]
    [InlineData(404, ErrorCategory.PROVIDER_ERROR, false)]
    [InlineData(408, ErrorCategory.TIMEOUT, true)]
    [InlineData(409, ErrorCategory.PROVIDER_ERROR, true)]
    [InlineData(429, ErrorCategory.RATE_LIMITED, true)]
    [InlineData(500, ErrorCategory.PROVIDER_UNAVAILABLE, true)]
    [InlineData(502, ErrorCategory.PROVIDER_UNAVAILABLE, true)]
    [InlineData(503, ErrorCategory.PROVIDER_UNAVAILABLE, true)]
    [InlineData(504, ErrorCategory.TIMEOUT, true)]
    [InlineData(507, ErrorCategory.PROVIDER_UNAVAILABLE, true)]
    [InlineData(599, ErrorCategory.PROVIDER_UNAVAILABLE, true)]
    [InlineData(402, ErrorCategory.PROVIDER_ERROR, false)]
    [InlineData(418, ErrorCategory.PROVIDER_ERROR, false)]
    public void Classify_StatusCode_MapsToCategoryAndRetryability(int status, ErrorCategory category, bool retryable)
    {
        var failure = HttpFailureClassifier.Classify("prov", status, "boom");

        Assert.Equal(category, failure.Category);
        Assert.Equal(retryable, failure.Retryable);
        Assert.Equal($"prov: HTTP {status}: boom", failure.Message);
    }

    [Fact]
    public void Classify_429WithRetryAfterSeconds_KeepsRetryAfter()
    {
        using var response = Response(HttpStatusCode.TooManyRequests, ("Retry-After", "7"));

        var failure = HttpFailureClassifier.Classify("prov", response, null, Now);

        Assert.Equal(ErrorCategory.RATE_LIMITED, failure.Category);
        Assert.True(failure.Retryable);
        Assert.Equal(TimeSpan.FromSeconds(7), failure.RetryAfter);
        Assert.Equal("prov: HTTP 429.", failure.Message);
    }

    [Fact]
    public void Classify_429WithHttpDateAndRetryAfterMs_KeepsTheMillisecondWait()
    {
        // The header rules themselves are RetryAfterHeader's (tested there); this proves the classifier uses them.
        using var response = Response(HttpStatusCode.TooManyRequests, ("Retry-After", Now.AddSeconds(30).ToString("R")), ("retry-after-ms", "1500"));

        var failure = HttpFailureClassifier.Classify("prov", response, null, Now);

        Assert.Equal(TimeSpan.FromMilliseconds(1500), failure.RetryAfter);
    }

    [Fact]
    public void Classify_NonRetryableWithRetryAfter_DropsRetryAfter()
    {
        var failure = HttpFailureClassifier.Classify("prov", 400, "bad", TimeSpan.FromSeconds(3));

        Assert.Null(failure.RetryAfter);
    }

    [Fact]
    public void Classify_LongMultiLineMessage_IsSingleLineAndTruncated()
    {
        var failure = HttpFailureClassifier.Classify("prov", 500, "line one\r\n\tline two " + new string('x', 5000));

        Assert.DoesNotContain('\n', failure.Message);
        Assert.StartsWith("prov: HTTP 500: line one line two x", failure.Message);
        Assert.True(failure.Message.Length <= HttpFailureClassifier.MaxMessageLength + 20, failure.Message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.EndsWith("…", failure.Message);
    }

    [Fact]
    public void Transport_ConnectionRefused_IsRetryableUnavailableWithoutAddress()
    {
        var exception = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (10.1.2.3:443)", new SocketException((int)SocketError.ConnectionRefused));

        var failure = HttpFailureClassifier.Transport("prov", exception);

        Assert.Equal(ErrorCategory.PROVIDER_UNAVAILABLE, failure.Category);
        Assert.True(failure.Retryable);
        Assert.Equal("prov: the connection was refused.", failure.Message);
    }

    [Fact]
    public void Transport_DnsFailure_IsRetryableUnavailable()
    {
        var failure = HttpFailureClassifier.Transport("prov", new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (nowhere.invalid:443)"));

        Assert.Equal(ErrorCategory.PROVIDER_UNAVAILABLE, failure.Category);
        Assert.True(failure.Retryable);
        Assert.DoesNotContain("nowhere.invalid", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Transport_ConnectionReset_IsRetryableUnavailable()
    {
        var failure = HttpFailureClassifier.Transport("prov", new IOException("reset", new SocketException((int)SocketError.ConnectionReset)));

        Assert.Equal(ErrorCategory.PROVIDER_UNAVAILABLE, failure.Category);
        Assert.True(failure.Retryable);
        Assert.Equal("prov: the connection was reset.", failure.Message);
    }

    [Theory]
    [InlineData(typeof(HttpRequestException), true)]
    [InlineData(typeof(IOException), true)]
    [InlineData(typeof(SocketException), true)]
    [InlineData(typeof(InvalidOperationException), false)]
    public void IsTransportFailure_ExceptionType_IsRecognised(Type type, bool expected)
    {
        var exception = (Exception)Activator.CreateInstance(type)!;

        Assert.Equal(expected, HttpFailureClassifier.IsTransportFailure(exception));
    }

    [Fact]
    public void Timeout_Always_IsRetryableTimeout()
    {
        var failure = HttpFailureClassifier.Timeout("prov", TimeSpan.FromMilliseconds(1500));

        Assert.Equal(ErrorCategory.TIMEOUT, failure.Category);
        Assert.True(failure.Retryable);
        Assert.Equal("prov: no answer within 1.5 s.", failure.Message);
    }

    private static HttpResponseMessage Response(HttpStatusCode status, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status);
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}
