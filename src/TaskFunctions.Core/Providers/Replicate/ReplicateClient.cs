using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Providers.Fal;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.Replicate;

/// <summary>
/// The Replicate predictions API as an <see cref="IJobProvider"/>: create (<c>POST /v1/models/{owner}/{name}/predictions</c>
/// with <c>{input}</c>, or <c>POST /v1/predictions</c> with <c>{version, input}</c>), get (<c>GET /v1/predictions/{id}</c>)
/// and cancel (<c>POST /v1/predictions/{id}/cancel</c>), each one HTTP exchange bounded by
/// <see cref="ReplicateOptions.RequestTimeout"/>. It never retries on its own: the durable workflow owns the attempt
/// budget. Every URL is built from the configured <see cref="ReplicateOptions.BaseUrl"/>, the only host that receives the
/// token; the URLs a prediction returns are not followed.
/// </summary>
public sealed partial class ReplicateClient : IJobProvider, IJobLookup
{
    /// <summary>How many pages of the prediction list a lookup reads at most (newest first, 100 per page).</summary>
    public const int MaxLookupPages = 5;

    /// <summary>Clock skew allowed between our record of a submit and Replicate's <c>created_at</c>.</summary>
    public static readonly TimeSpan LookupSkew = TimeSpan.FromMinutes(2);

    /// <summary>Status answers travel through orchestration history: only the latest log lines are kept.</summary>
    public const int MaxLogLines = 50;

    private readonly HttpClient http;
    private readonly ReplicateOptions options;
    private readonly ILogger<ReplicateClient> logger;

    public ReplicateClient(HttpClient http, IOptions<ReplicateOptions> options, ILogger<ReplicateClient> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        this.http = http;
        this.options = options.Value;
        this.logger = logger;
    }

    public ProviderType Type => ProviderType.REPLICATE;

    private string BaseText => options.BaseUrl.AbsoluteUri.TrimEnd('/') + "/";

    public async Task<ProviderJob> SubmitAsync(ProviderJobRequest request, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(request.Input);
        if (!ReplicateModelRef.TryParse(request.Endpoint, out var model))
        {
            throw new ProviderException(new ProviderFailure(
                $"{ReplicateErrorClassifier.ProviderName}: '{HttpFailureClassifier.Sanitize(request.Endpoint)}' is not a Replicate model (owner/name or owner/name:version).",
                ErrorCategory.VALIDATION,
                Retryable: false));
        }

        var token = RequireToken("create");
        Uri url;
        JsonObject body;
        if (model.Version is null)
        {
            url = new Uri(BaseText + $"v1/models/{Uri.EscapeDataString(model.Owner)}/{Uri.EscapeDataString(model.Name)}/predictions");
            body = new JsonObject { ["input"] = request.Input.DeepClone() };
        }
        else
        {
            url = new Uri(BaseText + "v1/predictions");
            body = new JsonObject { ["version"] = model.Version, ["input"] = request.Input.DeepClone() };
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        var exchange = await SendAsync(message, token, "create", model.ToString(), jobId: null, log, e =>
            !e.IsSuccess ? ReplicateErrorClassifier.Classify(e.StatusCode, e.Headers, e.Body, log.Now)
            : IdOf(e.Json) is null ? Malformed(e, "the created prediction has no valid id")
            : null, cancellationToken).ConfigureAwait(false);

        var id = IdOf(exchange.Json)!;
        var endpoint = model.ToString();
        Log.Created(logger, endpoint, id);
        var get = PredictionUrl(id, string.Empty).AbsoluteUri;
        return new ProviderJob(ProviderType.REPLICATE, endpoint, id, get, get, PredictionUrl(id, "/cancel").AbsoluteUri);
    }

    /// <summary>
    /// Reads the account's prediction list (<c>GET /v1/predictions</c>, newest first) back to <paramref name="since"/> and
    /// returns the one prediction of the same model (or version) whose input equals the request's (data URIs compare as
    /// present only: Replicate may store them as file URLs). None, or more than one such prediction: null.
    /// </summary>
    public async Task<ProviderJob?> FindSubmittedAsync(ProviderJobRequest request, DateTimeOffset since, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(log);
        if (!ReplicateModelRef.TryParse(request.Endpoint, out var model))
        {
            return null;
        }

        var token = RequireToken("list");
        var floor = since - LookupSkew;
        var matches = new List<string>();
        var url = new Uri(BaseText + "v1/predictions");
        for (var page = 0; page < MaxLookupPages && url is not null; page++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, url);
            var exchange = await SendAsync(message, token, "list", model.ToString(), jobId: null, log, e =>
                !e.IsSuccess ? ReplicateErrorClassifier.Classify(e.StatusCode, e.Headers, e.Body, log.Now)
                : Prop(e.Json, "results") is not JsonArray ? Malformed(e, "the prediction list has no results")
                : null, cancellationToken).ConfigureAwait(false);

            var older = false;
            foreach (var prediction in ((JsonArray)Prop(exchange.Json, "results")!).OfType<JsonObject>())
            {
                if (!DateTimeOffset.TryParse(StringOf(prediction["created_at"]), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var created) || created < floor)
                {
                    older = true;
                    continue;
                }

                var sameModel = model.Version is null ? StringOf(prediction["model"]) == model.Model : StringOf(prediction["version"]) == model.Version;
                if (sameModel && IdOf(prediction) is { } id && InputMatches(request.Input, prediction["input"] as JsonObject))
                {
                    matches.Add(id);
                }
            }

            // Only the configured host gets the token: a next link elsewhere is not followed.
            url = !older && StringOf(Prop(exchange.Json, "next")) is { } next && Uri.TryCreate(next, UriKind.Absolute, out var nextUrl)
                && Uri.Compare(nextUrl, options.BaseUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
                ? nextUrl
                : null;
        }

        var endpoint = model.ToString();
        Log.Lookup(logger, endpoint, matches.Count);
        if (matches.Count != 1)
        {
            return null;
        }

        var get = PredictionUrl(matches[0], string.Empty).AbsoluteUri;
        return new ProviderJob(ProviderType.REPLICATE, endpoint, matches[0], get, get, PredictionUrl(matches[0], "/cancel").AbsoluteUri);
    }

    /// <summary>Every member of <paramref name="ours"/> is in <paramref name="theirs"/> with the same value; a data URI only needs to be present.</summary>
    internal static bool InputMatches(JsonObject ours, JsonObject? theirs)
    {
        if (theirs is null)
        {
            return false;
        }

        foreach (var (name, value) in ours)
        {
            if (!theirs.TryGetPropertyValue(name, out var other))
            {
                if (value is null)
                {
                    continue;
                }

                return false;
            }

            var isDataUri = value is JsonValue text && text.TryGetValue<string>(out var s) && s.StartsWith("data:", StringComparison.Ordinal);
            if (!(isDataUri ? other is not null : JsonNode.DeepEquals(value, other)))
            {
                return false;
            }
        }

        return true;
    }

    public async Task<ProviderJobStatus> GetStatusAsync(ProviderJob job, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        var prediction = await GetAsync(job, log, "status", cancellationToken).ConfigureAwait(false);
        var logs = LogLines(prediction["logs"]);
        var status = StringOf(prediction["status"]);
        return status switch
        {
            "starting" => new ProviderJobStatus(ProviderJobState.Queued, Logs: logs),
            "processing" => new ProviderJobStatus(ProviderJobState.Running, Percent: FalQueueClient.PercentOf(logs), Logs: logs),
            "succeeded" => new ProviderJobStatus(ProviderJobState.Completed, Percent: 100, Logs: logs),
            "failed" or "canceled" or "aborted" => new ProviderJobStatus(ProviderJobState.Failed, Logs: logs, Failure: ReplicateErrorClassifier.ClassifyTerminal(status, prediction["error"])),
            _ => throw new ProviderException(new ProviderFailure(
                $"{ReplicateErrorClassifier.ProviderName}: unknown prediction status '{HttpFailureClassifier.Sanitize(status)}'.", ErrorCategory.PROVIDER_ERROR, Retryable: true)),
        };
    }

    public async Task<ProviderOutput> GetResultAsync(ProviderJob job, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        var prediction = await GetAsync(job, log, "result", cancellationToken).ConfigureAwait(false);
        var status = StringOf(prediction["status"]);
        switch (status)
        {
            case "succeeded":
                var output = prediction["output"];
                return new ProviderOutput(
                    ReplicateOutputParser.Summary(prediction),
                    ReplicateOutputParser.FindFiles(output),
                    ReplicateOutputParser.FindText(output),
                    job.JobId,
                    ReplicateOutputParser.FindUsage(prediction["metrics"]));
            case "failed" or "canceled" or "aborted":
                throw new ProviderException(ReplicateErrorClassifier.ClassifyTerminal(status, prediction["error"]));
            default:
                throw new ProviderException(new ProviderFailure(
                    $"{ReplicateErrorClassifier.ProviderName}: the prediction has not finished (status '{HttpFailureClassifier.Sanitize(status)}').", ErrorCategory.PROVIDER_ERROR, Retryable: true));
        }
    }

    public async Task<bool> CancelAsync(ProviderJob job, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var id = RequireJob(job);
        var token = RequireToken("cancel");
        using var message = new HttpRequestMessage(HttpMethod.Post, PredictionUrl(id, "/cancel")) { Content = new ByteArrayContent([]) };
        var exchange = await SendAsync(message, token, "cancel", job.Endpoint, id, log, e =>
            e.IsSuccess || e.StatusCode == 404 ? null : ReplicateErrorClassifier.Classify(e.StatusCode, e.Headers, e.Body, log.Now), cancellationToken).ConfigureAwait(false);

        // The answer is the prediction: a cancel is accepted unless it had already ended some other way.
        var accepted = exchange.IsSuccess && StringOf(Prop(exchange.Json, "status")) is not ("succeeded" or "failed" or "aborted");
        Log.Cancelled(logger, id, accepted ? "requested" : "already finished or unknown");
        return accepted;
    }

    private async Task<JsonObject> GetAsync(ProviderJob job, ServiceRequestLog log, string operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var id = RequireJob(job);
        var token = RequireToken(operation);
        using var message = new HttpRequestMessage(HttpMethod.Get, PredictionUrl(id, string.Empty));
        var exchange = await SendAsync(message, token, operation, job.Endpoint, id, log, e =>
            !e.IsSuccess ? ReplicateErrorClassifier.Classify(e.StatusCode, e.Headers, e.Body, log.Now)
            : StringOf(Prop(e.Json, "status")) is null ? Malformed(e, "the prediction has no status")
            : null, cancellationToken).ConfigureAwait(false);
        return exchange.Json!.AsObject();
    }

    private async Task<Exchange> SendAsync(
        HttpRequestMessage message,
        string token,
        string operation,
        string model,
        string? jobId,
        ServiceRequestLog log,
        Func<Exchange, ProviderFailure?> judge,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        message.Headers.TryAddWithoutValidation("Accept", "application/json");
        var started = Stopwatch.GetTimestamp();
        var exchange = await ProviderHttp.SendAsync(
            http,
            message,
            async (response, ct) =>
            {
                var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                return new Exchange((int)response.StatusCode, response.Headers, body, ProviderHttp.ParseJson(body));
            },
            ReplicateErrorClassifier.ProviderName,
            options.RequestTimeout,
            log,
            jobId,
            started,
            () => Log.TimedOut(logger, operation, model, options.RequestTimeout),
            ex => Log.TransportFailed(logger, operation, model, ex),
            cancellationToken).ConfigureAwait(false);

        var judged = ProviderHttp.WithoutSecret(judge(exchange), token);
        var predictTime = exchange.IsSuccess ? ReplicateOutputParser.PredictTime(Prop(exchange.Json, "metrics")) : null;
        ProviderHttp.Settle(
            log, message, exchange.StatusCode, Stopwatch.GetElapsedTime(started), jobId ?? IdOf(exchange.Json), judged,
            failure => Log.CallFailed(logger, operation, model, exchange.StatusCode, failure.Category, failure.Retryable),
            predictTime);
        return exchange;
    }

    private string RequireToken(string operation)
    {
        if (!string.IsNullOrWhiteSpace(options.ApiToken))
        {
            return options.ApiToken.Trim();
        }

        Log.MissingToken(logger, operation);
        throw new ProviderException(new ProviderFailure(
            $"{ReplicateErrorClassifier.ProviderName}: no API token is configured (Providers:Replicate:ApiToken).", ErrorCategory.AUTHENTICATION, Retryable: false));
    }

    private static string RequireJob(ProviderJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Provider != ProviderType.REPLICATE || job.JobId is not { } id || !IdPattern().IsMatch(id))
        {
            throw new ArgumentException("Not a Replicate prediction.", nameof(job));
        }

        return id;
    }

    private Uri PredictionUrl(string id, string suffix) => new(BaseText + "v1/predictions/" + Uri.EscapeDataString(id) + suffix);

    private static ProviderFailure Malformed(Exchange exchange, string what) =>
        new($"{ReplicateErrorClassifier.ProviderName}: HTTP {exchange.StatusCode}: {what}.", ErrorCategory.PROVIDER_ERROR, Retryable: true);

    private static string? IdOf(JsonNode? prediction) => StringOf(Prop(prediction, "id")) is { } id && IdPattern().IsMatch(id) ? id : null;

    private static List<string>? LogLines(JsonNode? logs)
    {
        if (StringOf(logs) is not { } text)
        {
            return null;
        }

        var lines = text
            .Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => HttpFailureClassifier.Sanitize(line))
            .Where(line => line.Length > 0)
            .ToList();
        return lines.Count > MaxLogLines ? lines[^MaxLogLines..] : lines;
    }

    private static JsonNode? Prop(JsonNode? node, string name) => node is JsonObject obj ? obj[name] : null;

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    /// <summary>One answered exchange: status, headers, body text and its JSON when it parses.</summary>
    private sealed record Exchange(int StatusCode, HttpResponseHeaders Headers, string Body, JsonNode? Json)
    {
        public bool IsSuccess => StatusCode is >= 200 and <= 299;
    }
}
