using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TaskFunctions.Core.Net;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers;

/// <summary>
/// Provider-independent classification of failed HTTP exchanges (status codes, Retry-After, transport errors) into
/// <see cref="ProviderFailure"/>. Provider clients refine the result with what their error bodies say.
/// </summary>
public static class HttpFailureClassifier
{
    /// <summary>Longest provider message kept in a failure; provider bodies can be large and are not ours to store.</summary>
    public const int MaxMessageLength = 500;

    /// <summary>The category and retryability HTTP semantics alone imply for a non-success <paramref name="statusCode"/>.</summary>
    public static (ErrorCategory Category, bool Retryable) CategoryOf(int statusCode) => statusCode switch
    {
        400 or 422 => (ErrorCategory.VALIDATION, false),
        401 or 403 => (ErrorCategory.AUTHENTICATION, false),
        404 => (ErrorCategory.PROVIDER_ERROR, false),
        408 => (ErrorCategory.TIMEOUT, true),
        409 => (ErrorCategory.PROVIDER_ERROR, true),
        429 => (ErrorCategory.RATE_LIMITED, true),
        500 or 502 or 503 => (ErrorCategory.PROVIDER_UNAVAILABLE, true),
        504 => (ErrorCategory.TIMEOUT, true),
        >= 500 and <= 599 => (ErrorCategory.PROVIDER_UNAVAILABLE, true),
        _ => (ErrorCategory.PROVIDER_ERROR, false),
    };

    /// <summary>Classifies a non-success status; <paramref name="retryAfter"/> is kept only when the failure is retryable.</summary>
    public static ProviderFailure Classify(string provider, int statusCode, string? providerMessage, TimeSpan? retryAfter = null)
    {
        var (category, retryable) = CategoryOf(statusCode);
        return new ProviderFailure(StatusMessage(provider, statusCode, providerMessage), category, retryable, retryable ? retryAfter : null);
    }

    /// <summary>Classifies <paramref name="response"/>, reading its Retry-After headers (<see cref="RetryAfterHeader"/>) relative to <paramref name="now"/>.</summary>
    public static ProviderFailure Classify(string provider, HttpResponseMessage response, string? providerMessage, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        return Classify(provider, (int)response.StatusCode, providerMessage, RetryAfterHeader.Parse(response.Headers, now));
    }

    /// <summary>Whether <paramref name="exception"/> is a transport failure (connection refused/reset, DNS, broken stream).</summary>
    public static bool IsTransportFailure(Exception exception) =>
        exception is HttpRequestException or IOException or SocketException;

    /// <summary>A transport failure: the provider could not be reached or the connection broke. Always retryable.</summary>
    /// <remarks>The exception's message is not used: it names addresses (possibly private ones).</remarks>
    public static ProviderFailure Transport(string provider, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var reason = exception switch
        {
            _ when Find<SocketException>(exception) is { } socket => Describe(socket.SocketErrorCode),
            HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } http => Describe(http.HttpRequestError),
            HttpRequestException => "the request failed",
            _ => "the connection failed",
        };
        // Only a connection that was never made proves the request did not arrive.
        var neverSent = Find<SocketException>(exception) is { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable }
            || exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError };
        return new ProviderFailure($"{provider}: {reason}.", ErrorCategory.PROVIDER_UNAVAILABLE, Retryable: true) { OutcomeUnknown = !neverSent };
    }

    /// <summary>The per-call timeout elapsed before the provider answered. Retryable.</summary>
    public static ProviderFailure Timeout(string provider, TimeSpan timeout) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{provider}: no answer within {timeout.TotalSeconds:0.###} s."), ErrorCategory.TIMEOUT, Retryable: true) { OutcomeUnknown = true };

    /// <summary>"{provider}: HTTP {status}: {message}" with the provider's message made single-line and truncated.</summary>
    public static string StatusMessage(string provider, int statusCode, string? providerMessage)
    {
        var text = Sanitize(providerMessage);
        return text.Length == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{provider}: HTTP {statusCode}.")
            : string.Create(CultureInfo.InvariantCulture, $"{provider}: HTTP {statusCode}: {text}");
    }

    /// <summary>Single line, control characters removed, at most <see cref="MaxMessageLength"/> characters.</summary>
    public static string Sanitize(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(message.Length, MaxMessageLength + 1));
        var lastWasSpace = false;
        foreach (var c in message.Trim())
        {
            var space = char.IsWhiteSpace(c) || char.IsControl(c);
            if (space && lastWasSpace)
            {
                continue;
            }

            builder.Append(space ? ' ' : c);
            lastWasSpace = space;
            if (builder.Length > MaxMessageLength)
            {
                break;
            }
        }

        return builder.Length > MaxMessageLength ? builder.ToString(0, MaxMessageLength - 1).TrimEnd() + "…" : builder.ToString();
    }

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static string Describe(HttpRequestError error) => error switch
    {
        HttpRequestError.NameResolutionError => "the host name could not be resolved",
        HttpRequestError.ConnectionError => "the connection could not be established",
        HttpRequestError.SecureConnectionError => "the TLS handshake failed",
        HttpRequestError.ResponseEnded => "the connection closed before the response was complete",
        HttpRequestError.InvalidResponse => "the response was not valid HTTP",
        HttpRequestError.HttpProtocolError => "an HTTP protocol error occurred",
        HttpRequestError.ProxyTunnelError => "the proxy tunnel failed",
        _ => "the request failed (" + error + ")",
    };

    private static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "the connection was refused",
        SocketError.ConnectionReset => "the connection was reset",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "the host name could not be resolved",
        SocketError.TimedOut => "the connection timed out",
        _ => "the connection failed (" + error + ")",
    };
}
