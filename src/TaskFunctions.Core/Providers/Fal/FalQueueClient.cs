using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.Fal;

/// <summary>
/// The fal.ai queue API as an <see cref="IJobProvider"/>: submit, status, result and cancel, each one HTTP exchange
/// bounded by <see cref="FalOptions.RequestTimeout"/>. It never retries on its own: the durable workflow owns the
/// attempt budget and backoff (a hidden retry here would multiply attempts and could submit a job twice). Only URLs
/// on the configured queue host ever receive the key.
/// </summary>
public sealed partial class FalQueueClient : IJobProvider
{
    /// <summary>Status answers travel through orchestration history: only the latest log lines are kept.</summary>
    public const int MaxLogLines = 50;

    private const string RequestIdHeader = "x-fal-request-id";
    private const string StartTimeoutHeader = "x-fal-request-timeout";

    private readonly HttpClient http;
    private readonly FalOptions options;
    private readonly ILogger<FalQueueClient> logger;

    public FalQueueClient(HttpClient http, IOptions<FalOptions> options, ILogger<FalQueueClient> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        this.http = http;
        this.options = options.Value;
        this.logger = logger;
    }

    public ProviderType Type => ProviderType.FAL;

    private string BaseText => options.BaseUrl.AbsoluteUri.TrimEnd('/') + "/";

    public async Task<ProviderJob> SubmitAsync(ProviderJobRequest request, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(log);
        var key = RequireKey("submit");
        var segments = AppSegments(request.Endpoint);
        var url = new Uri(BaseText + string.Join('/', segments.Select(Uri.EscapeDataString)));

        using var message = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(request.Input.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if ((request.StartTimeout ?? options.StartTimeout) is { } startTimeout && startTimeout > TimeSpan.Zero)
        {
            message.Headers.TryAddWithoutValidation(StartTimeoutHeader, Math.Ceiling(startTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        }

        var exchange = await SendAsync(message, key, "submit", request.Endpoint, jobId: null, log, e =>
            !e.IsSuccess ? FalErrorClassifier.Classify(e.StatusCode, e.Headers, e.Body, log.Now)
            : StringOf(Prop(e.Json, "request_id")) is null ? Malformed(e, "the submit response has no request_id")
            : null, cancellationToken).ConfigureAwait(false);

        var body = exchange.Json!.AsObject();
        var requestId = StringOf(body["request_id"])!;
        var prefix = BaseText + AliasPrefix(segments) + "/requests/" + Uri.EscapeDataString(requestId);
        Log.Submitted(logger, request.Endpoint, requestId);
        return new ProviderJob(
            ProviderType.FAL,
            request.Endpoint,
            requestId,
            (Trusted(body["status_url"], "status") ?? new Uri(prefix + "/status")).AbsoluteUri,
            (Trusted(body["response_url"], "response") ?? new Uri(prefix)).AbsoluteUri,
            (Trusted(body["cancel_url"], "cancel") ?? new Uri(prefix + "/cancel")).AbsoluteUri);
    }

    public async Task<ProviderJobStatus> GetStatusAsync(ProviderJob job, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var key = RequireKey("status");
        var url = WithLogs(Trusted(job, job.StatusUrl, "status") ?? Built(job, "/status"));
        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        var exchange = await SendAsync(message, key, "status", job.Endpoint, job.JobId, log, e =>
            !e.IsSuccess ? FalErrorClassifier.Classify(e.StatusCode, e.Headers, e.Body, log.Now)
            : StringOf(Prop(e.Json, "status")) is null ? Malformed(e, "the status response has no status")
            : null, cancellationToken).ConfigureAwait(false);

        var body = exchange.Json!.AsObject();
        var logs = LogLines(body["logs"]);
        switch (StringOf(body["status"]))
        {
            case "IN_QUEUE":
                return new ProviderJobStatus(ProviderJobState.Queued, QueuePosition: IntOf(body["queue_position"]));
            case "IN_PROGRESS":
                return new ProviderJobStatus(ProviderJobState.Running, Percent: PercentOf(logs), Logs: logs);
            case "COMPLETED" when body["error"] is not null || body["error_type"] is not null:
                return new ProviderJobStatus(ProviderJobState.Failed, Logs: logs, Failure: FalErrorClassifier.ClassifyCompletedError(body));
            case "COMPLETED":
                return new ProviderJobStatus(ProviderJobState.Completed, Percent: 100, Logs: logs);
            default:
                var failure = new ProviderFailure($"{FalErrorClassifier.ProviderName}: unknown job status '{HttpFailureClassifier.Sanitize(StringOf(body["status"]))}'.", ErrorCategory.PROVIDER_ERROR, Retryable: true);
                throw new ProviderException(failure);
        }
    }

    public async Task<ProviderOutput> GetResultAsync(ProviderJob job, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var key = RequireKey("result");
        var url = Trusted(job, job.ResultUrl, "response") ?? Built(job, string.Empty);
        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        var exchange = await SendAsync(message, key, "result", job.Endpoint, job.JobId, log, e =>
            e.IsSuccess ? (e.Json is null ? Malformed(e, "the result is not JSON") : null)
            : e.StatusCode == 400 && !HasDetailList(e.Json) ? NotFinished(e)
            : FalErrorClassifier.Classify(e.StatusCode, e.Headers, e.Body, log.Now), cancellationToken).ConfigureAwait(false);

        var json = exchange.Json;
        return new ProviderOutput(
            json, FalOutputParser.FindFiles(json), FalOutputParser.FindText(json), exchange.RequestId ?? job.JobId, FalOutputParser.FindUsage(json), FalOutputParser.FindFaces(json));
    }

    public async Task<bool> CancelAsync(ProviderJob job, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var key = RequireKey("cancel");
        var url = Trusted(job, job.CancelUrl, "cancel") ?? Built(job, "/cancel");
        using var message = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent([]) };
        var exchange = await SendAsync(message, key, "cancel", job.Endpoint, job.JobId, log, e =>
            e.IsSuccess || IsFinishedOrUnknown(e) ? null : FalErrorClassifier.Classify(e.StatusCode, e.Headers, e.Body, log.Now), cancellationToken).ConfigureAwait(false);

        Log.Cancelled(logger, job.JobId, exchange.IsSuccess ? "requested" : "already finished or unknown");
        return exchange.IsSuccess;
    }

    /// <summary>The job's percent from the latest log line that states one ("45%", "step 9/20"), clamped to 0–100.</summary>
    internal static double? PercentOf(IReadOnlyList<string>? logs)
    {
        for (var i = (logs?.Count ?? 0) - 1; i >= 0; i--)
        {
            var line = logs![i];
            if (PercentPattern().Match(line) is { Success: true } percent
                && double.TryParse(percent.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return Math.Clamp(value, 0, 100);
            }

            if (FractionPattern().Match(line) is { Success: true } fraction
                && double.TryParse(fraction.Groups[1].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var done)
                && double.TryParse(fraction.Groups[2].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var total)
                && total > 0 && done <= total)
            {
                return Math.Clamp(Math.Round(done * 100 / total, 1), 0, 100);
            }
        }

        return null;
    }

    /// <summary>The path status/result/cancel live under: owner/alias, or namespace/owner/alias for workflows and comfy.</summary>
    internal static string AliasPrefix(IReadOnlyList<string> segments)
    {
        var count = segments.Count > 0 && (segments[0] == "workflows" || segments[0] == "comfy") ? 3 : 2;
        return string.Join('/', segments.Take(count).Select(Uri.EscapeDataString));
    }

    private async Task<Exchange> SendAsync(
        HttpRequestMessage message,
        string key,
        string operation,
        string appId,
        string? jobId,
        ServiceRequestLog log,
        Func<Exchange, ProviderFailure?> judge,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        message.Headers.Authorization = new AuthenticationHeaderValue("Key", key);
        message.Headers.TryAddWithoutValidation("Accept", "application/json");
        var started = Stopwatch.GetTimestamp();
        var exchange = await ProviderHttp.SendAsync(
            http,
            message,
            async (response, ct) =>
            {
                var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                return new Exchange((int)response.StatusCode, response.Headers, body, ProviderHttp.ParseJson(body), ProviderHttp.Header(response.Headers, RequestIdHeader));
            },
            FalErrorClassifier.ProviderName,
            options.RequestTimeout,
            log,
            jobId,
            started,
            () => Log.TimedOut(logger, operation, appId, options.RequestTimeout),
            ex => Log.TransportFailed(logger, operation, appId, ex),
            cancellationToken).ConfigureAwait(false);

        var judged = ProviderHttp.WithoutSecret(judge(exchange), key);
        ProviderHttp.Settle(
            log, message, exchange.StatusCode, Stopwatch.GetElapsedTime(started), exchange.RequestId ?? jobId ?? StringOf(Prop(exchange.Json, "request_id")), judged,
            failure => Log.CallFailed(logger, operation, appId, exchange.StatusCode, failure.Category, failure.Retryable));
        return exchange;
    }

    private string RequireKey(string operation)
    {
        if (!string.IsNullOrWhiteSpace(options.ApiKey))
        {
            return options.ApiKey.Trim();
        }

        Log.MissingKey(logger, operation);
        throw new ProviderException(new ProviderFailure(
            $"{FalErrorClassifier.ProviderName}: no API key is configured (Providers:Fal:ApiKey).", ErrorCategory.AUTHENTICATION, Retryable: false));
    }

    /// <summary>A returned URL, if it is on the configured queue host (scheme, host and port); anything else would receive our key.</summary>
    private Uri? Trusted(JsonNode? returned, string kind) => Trusted(StringOf(returned), kind);

    private Uri? Trusted(string? returned, string kind)
    {
        if (string.IsNullOrWhiteSpace(returned))
        {
            return null;
        }

        if (Uri.TryCreate(returned, UriKind.Absolute, out var url)
            && string.Equals(url.Scheme, options.BaseUrl.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(url.IdnHost, options.BaseUrl.IdnHost, StringComparison.OrdinalIgnoreCase)
            && url.Port == options.BaseUrl.Port
            && string.IsNullOrEmpty(url.UserInfo)
            && string.IsNullOrEmpty(url.Fragment))
        {
            return url;
        }

        Log.ForeignUrlIgnored(logger, kind, url?.IdnHost ?? "(not an absolute URL)");
        return null;
    }

    private Uri? Trusted(ProviderJob job, string? stored, string kind)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Provider != ProviderType.FAL || string.IsNullOrWhiteSpace(job.JobId))
        {
            throw new ArgumentException("Not a fal job.", nameof(job));
        }

        return Trusted(stored, kind);
    }

    private Uri Built(ProviderJob job, string suffix) =>
        new(BaseText + AliasPrefix(AppSegments(job.Endpoint)) + "/requests/" + Uri.EscapeDataString(job.JobId) + suffix);

    private static Uri WithLogs(Uri statusUrl)
    {
        var query = statusUrl.Query.TrimStart('?');
        if (query.Split('&').Any(p => p.StartsWith("logs=", StringComparison.Ordinal)))
        {
            return statusUrl;
        }

        return new UriBuilder(statusUrl) { Query = query.Length == 0 ? "logs=1" : query + "&logs=1" }.Uri;
    }

    /// <summary>The app id's path segments; anything but owner/app[/path] is refused before it reaches a URL.</summary>
    private static string[] AppSegments(string? endpoint)
    {
        var segments = (endpoint ?? string.Empty).Trim().Split('/');
        var minimum = segments[0] is "workflows" or "comfy" ? 3 : 2;
        if (segments.Length < minimum || !segments.All(s => SegmentPattern().IsMatch(s)))
        {
            throw new ProviderException(new ProviderFailure(
                $"{FalErrorClassifier.ProviderName}: '{HttpFailureClassifier.Sanitize(endpoint)}' is not a fal app id (owner/app[/path]).", ErrorCategory.VALIDATION, Retryable: false));
        }

        return segments;
    }

    private static ProviderFailure Malformed(Exchange exchange, string what) =>
        new($"{FalErrorClassifier.ProviderName}: HTTP {exchange.StatusCode}: {what}.", ErrorCategory.PROVIDER_ERROR, Retryable: true);

    private static ProviderFailure NotFinished(Exchange exchange) =>
        new(HttpFailureClassifier.StatusMessage(FalErrorClassifier.ProviderName, exchange.StatusCode, "the result is not ready (" + (StringOf(Prop(exchange.Json, "detail")) ?? "request not finished") + ")"), ErrorCategory.PROVIDER_ERROR, Retryable: true);

    private static bool HasDetailList(JsonNode? body) => body is JsonObject obj && obj["detail"] is JsonArray { Count: > 0 };

    private static bool IsFinishedOrUnknown(Exchange exchange)
    {
        var status = StringOf(Prop(exchange.Json, "status"));
        return exchange.StatusCode == 404
            || status == "NOT_FOUND"
            || (exchange.StatusCode == 400 && status == "ALREADY_COMPLETED");
    }

    private static List<string>? LogLines(JsonNode? logs)
    {
        if (logs is not JsonArray items)
        {
            return null;
        }

        var lines = items
            .Select(item => item is JsonObject entry ? StringOf(entry["message"]) : StringOf(item))
            .Where(line => line is not null)
            .Select(line => HttpFailureClassifier.Sanitize(line))
            .ToList();
        return lines.Count > MaxLogLines ? lines[^MaxLogLines..] : lines;
    }

    private static JsonNode? Prop(JsonNode? node, string name) => node is JsonObject obj ? obj[name] : null;

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

    private static int? IntOf(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<int>(out var number) ? Math.Max(0, number)
        : node is JsonValue other && other.TryGetValue<double>(out var real) && double.IsFinite(real) ? (int)Math.Clamp(real, 0, int.MaxValue)
        : null;

    [GeneratedRegex(@"(\d{1,3}(?:\.\d+)?)\s*%", RegexOptions.CultureInvariant)]
    private static partial Regex PercentPattern();

    [GeneratedRegex(@"\b(\d{1,6})\s*/\s*(\d{1,6})\b", RegexOptions.CultureInvariant)]
    private static partial Regex FractionPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._~-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentPattern();

    /// <summary>One answered exchange: status, headers, body text and its JSON when it parses.</summary>
    private sealed record Exchange(int StatusCode, HttpResponseHeaders Headers, string Body, JsonNode? Json, string? RequestId)
    {
        public bool IsSuccess => StatusCode is >= 200 and <= 299;
    }
}
