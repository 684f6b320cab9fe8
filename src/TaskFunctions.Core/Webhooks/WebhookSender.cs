using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Net;

namespace TaskFunctions.Core.Webhooks;

/// <summary>One signed Standard Webhooks delivery attempt through the SSRF-guarded client; retries are the caller's (the orchestration's) job.</summary>
public sealed class WebhookSender
{
    public const string UserAgent = "TaskFunctions-Webhooks/1.0";
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    private const string JsonContentType = "application/json";
    private const int MaxErrorBodyChars = 200;

    private readonly SafeHttpFetcher _http;
    private readonly WebhookSigner _signer;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public WebhookSender(
        SafeHttpFetcher http, WebhookSigner signer, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookSender> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _signer = signer;
        _options = options.Value;
        _time = time;
        _logger = logger;

        // The sender is a singleton, so this is said once per process.
        if (!signer.IsSigning)
        {
            Log.Unsigned(_logger);
        }
    }

    /// <summary>POSTs the JSON <paramref name="body"/> to <paramref name="url"/> once, with the Standard Webhooks headers, within <see cref="WebhookOptions.Timeout"/>.</summary>
    /// <param name="webhookId">Stable across retries of the same event (receivers dedupe on it); visible ASCII without spaces.</param>
    /// <exception cref="OperationCanceledException">Only when <paramref name="ct"/> is cancelled; every other failure is a result.</exception>
    public async Task<WebhookAttemptResult> SendAsync(Uri url, string webhookId, byte[] body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(body);
        if (string.IsNullOrEmpty(webhookId) || webhookId.Any(c => c is < '!' or > '~'))
        {
            throw new ArgumentException("The webhook id must be non-empty visible ASCII without spaces.", nameof(webhookId));
        }

        long started = _time.GetTimestamp();
        long timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [IdHeader] = webhookId,
            [TimestampHeader] = timestamp.ToString(CultureInfo.InvariantCulture),
            ["user-agent"] = UserAgent,
        };
        if (_signer.Sign(webhookId, timestamp, body) is { } signature)
        {
            headers[SignatureHeader] = signature;
        }

        string host = url.IsAbsoluteUri ? url.Host : string.Empty;
        WebhookAttemptResult result;
        try
        {
            OutboundResponse response = await _http.PostAsync(url, body, JsonContentType, headers, _options.Timeout, ct);
            result = Classify(response, ElapsedMs(started));
        }
        catch (OutboundRequestException ex) when (ex.Kind is OutboundFailure.Forbidden or OutboundFailure.BadScheme)
        {
            // The guard's messages never name resolved addresses, so they can be stored as they are.
            result = new WebhookAttemptResult(WebhookDeliveryOutcome.Refused, null, null, ex.Message, ElapsedMs(started));
        }
        catch (OutboundRequestException ex)
        {
            result = new WebhookAttemptResult(WebhookDeliveryOutcome.Retry, null, null, ex.Message, ElapsedMs(started));
        }

        LogResult(webhookId, host, result);
        return result;
    }

    private static WebhookAttemptResult Classify(OutboundResponse response, double durationMs)
    {
        int status = response.StatusCode;
        return status switch
        {
            >= 200 and <= 299 => new(WebhookDeliveryOutcome.Delivered, status, response.RetryAfter, null, durationMs),
            410 => new(WebhookDeliveryOutcome.Gone, status, response.RetryAfter, "The receiver answered HTTP 410 Gone.", durationMs),
            >= 300 and <= 399 => new(WebhookDeliveryOutcome.Retry, status, response.RetryAfter,
                $"The receiver answered HTTP {status}; webhook redirects are not followed.", durationMs),
            _ => new(WebhookDeliveryOutcome.Retry, status, response.RetryAfter, $"The receiver answered HTTP {status}{Excerpt(response.Body)}.", durationMs),
        };
    }

    /// <summary>The start of the receiver's error body on one line, which often says what it disliked (e.g. the signature).</summary>
    private static string Excerpt(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return string.Empty;
        }

        var line = new StringBuilder(MaxErrorBodyChars + 3);
        foreach (char c in body.AsSpan().Trim())
        {
            if (line.Length == MaxErrorBodyChars)
            {
                line.Append("...");
                break;
            }

            line.Append(char.IsControl(c) ? ' ' : c);
        }

        return ": " + line;
    }

    private double ElapsedMs(long started) => _time.GetElapsedTime(started).TotalMilliseconds;

    private void LogResult(string webhookId, string host, WebhookAttemptResult result)
    {
        switch (result.Outcome)
        {
            case WebhookDeliveryOutcome.Delivered:
                Log.Delivered(_logger, webhookId, host, result.StatusCode ?? 0, result.DurationMs);
                break;
            case WebhookDeliveryOutcome.Retry:
                Log.AttemptFailed(_logger, webhookId, host, result.StatusCode, result.Error ?? string.Empty, result.DurationMs);
                break;
            default:
                Log.Stopped(_logger, webhookId, host, result.Outcome, result.Error ?? string.Empty);
                break;
        }
    }
}
