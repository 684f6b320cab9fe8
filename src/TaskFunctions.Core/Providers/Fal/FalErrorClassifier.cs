using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using TaskFunctions.Core.Net;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.Fal;

/// <summary>
/// fal.ai's error conventions on top of <see cref="HttpFailureClassifier"/>: model errors
/// <c>{detail:[{loc,msg,type}]}</c>, infrastructure errors <c>{detail:"…", error_type}</c> / <c>X-Fal-Error-Type</c>,
/// and the <c>X-Fal-Retryable</c> and <c>x-fal-request-timeout-type</c> hints.
/// </summary>
public static class FalErrorClassifier
{
    /// <summary>How fal is named in failure messages.</summary>
    public const string ProviderName = "fal";

    public const string ErrorTypeHeader = "X-Fal-Error-Type";
    public const string RetryableHeader = "X-Fal-Retryable";
    public const string TimeoutTypeHeader = "x-fal-request-timeout-type";

    /// <summary>Classifies a non-success response from the fal queue API; <paramref name="body"/> is its text (may be empty).</summary>
    public static ProviderFailure Classify(HttpResponseMessage response, string? body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        return Classify((int)response.StatusCode, response.Headers, body, now);
    }

    /// <summary>Classifies a non-success status with its headers and body text.</summary>
    public static ProviderFailure Classify(int statusCode, HttpResponseHeaders headers, string? body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var error = Parse(body);
        if (Header(headers, ErrorTypeHeader) is { } headerType)
        {
            error.Types.Add(headerType);
        }

        var (category, retryable) = HttpFailureClassifier.CategoryOf(statusCode);
        if (FromTypes(error.Types) is { } typed)
        {
            (category, retryable) = typed;
        }
        else if (error.HasDetailList && statusCode is >= 400 and <= 499 and not (401 or 403 or 404 or 408 or 429))
        {
            // The model rejected its input (image_too_large, file_download_error, a missing field, ...).
            (category, retryable) = (ErrorCategory.VALIDATION, false);
        }

        if (bool.TryParse(Header(headers, RetryableHeader), out var hinted))
        {
            retryable = hinted && category != ErrorCategory.VALIDATION;
        }

        // The caller's own x-fal-request-timeout ran out: trying again gives the same answer.
        if (statusCode == 504 && string.Equals(Header(headers, TimeoutTypeHeader), "user", StringComparison.OrdinalIgnoreCase))
        {
            (category, retryable) = (ErrorCategory.TIMEOUT, false);
        }

        var message = HttpFailureClassifier.StatusMessage(ProviderName, statusCode, error.Describe());
        return new ProviderFailure(message, category, retryable, retryable ? RetryAfterHeader.Parse(headers, now) : null);
    }

    /// <summary>
    /// A status poll that answered COMPLETED with <c>error</c> / <c>error_type</c>: the job ended without output.
    /// "Request was cancelled" is CANCELLED; unknown error types count as a retryable PROVIDER_ERROR (a model crash may not repeat).
    /// </summary>
    public static ProviderFailure ClassifyCompletedError(JsonObject status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var error = new FalError();
        error.AddMessage(status["error"]);
        if (StringOf(status["error_type"]) is { } type)
        {
            error.Types.Add(type);
        }

        var (category, retryable) = FromTypes(error.Types)
            ?? (error.Messages.Any(m => m.StartsWith("Request was cancel", StringComparison.OrdinalIgnoreCase)) ? (ErrorCategory.CANCELLED, false) : (ErrorCategory.PROVIDER_ERROR, true));
        var text = HttpFailureClassifier.Sanitize(error.Describe());
        var message = text.Length == 0 ? $"{ProviderName}: the request completed with an error." : $"{ProviderName}: the request completed with an error: {text}";
        return new ProviderFailure(message, category, retryable);
    }

    /// <summary>The <c>error_type</c>s with a meaning of their own, whatever the status code.</summary>
    private static (ErrorCategory, bool)? FromTypes(IEnumerable<string> types)
    {
        var set = types.ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (set.Contains("content_policy_violation"))
        {
            return (ErrorCategory.CONTENT_POLICY, false);
        }

        if (set.Contains("generation_timeout") || set.Contains("request_timeout"))
        {
            return (ErrorCategory.TIMEOUT, true);
        }

        if (set.Contains("runner_scheduling_failure"))
        {
            return (ErrorCategory.PROVIDER_UNAVAILABLE, true);
        }

        return null;
    }

    private static FalError Parse(string? body)
    {
        var error = new FalError();
        if (string.IsNullOrWhiteSpace(body))
        {
            return error;
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            // Gateways answer with text or HTML; keep its start.
            error.Messages.Add(body);
            return error;
        }

        if (node is not JsonObject root)
        {
            error.AddMessage(node);
            return error;
        }

        switch (root["detail"])
        {
            case JsonArray items:
                error.HasDetailList = items.Count > 0;
                foreach (var item in items)
                {
                    error.AddDetail(item);
                }

                break;
            case JsonObject item:
                error.HasDetailList = true;
                error.AddDetail(item);
                break;
            case { } detail:
                error.AddMessage(detail);
                break;
            default:
                error.AddMessage(root["error"] ?? root["message"]);
                break;
        }

        if (StringOf(root["error_type"]) is { } type)
        {
            error.Types.Add(type);
        }

        return error;
    }

    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault()?.Trim() : null;

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

    private sealed class FalError
    {
        public List<string> Messages { get; } = [];

        public List<string> Types { get; } = [];

        public bool HasDetailList { get; set; }

        public void AddMessage(JsonNode? node)
        {
            if (StringOf(node) is { } text)
            {
                Messages.Add(text);
            }
            else if (node is JsonObject obj && StringOf(obj["message"] ?? obj["msg"]) is { } nested)
            {
                Messages.Add(nested);
            }
        }

        /// <summary>One validation item: "prompt: Field required" from <c>{loc:["body","prompt"], msg, type}</c>.</summary>
        public void AddDetail(JsonNode? item)
        {
            if (item is not JsonObject obj)
            {
                AddMessage(item);
                return;
            }

            if (StringOf(obj["type"]) is { } type)
            {
                Types.Add(type);
            }

            var location = obj["loc"] is JsonArray loc
                ? string.Join('.', loc.Select(p => p?.ToString()).Where(p => !string.IsNullOrEmpty(p)).SkipWhile(p => p == "body"))
                : null;
            var msg = StringOf(obj["msg"]) ?? StringOf(obj["message"]) ?? StringOf(obj["type"]);
            if (msg is not null)
            {
                Messages.Add(string.IsNullOrEmpty(location) ? msg : $"{location}: {msg}");
            }
        }

        public string Describe()
        {
            var text = string.Join("; ", Messages);
            var types = Types.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            return types.Count == 0 ? text : $"{text} [{string.Join(", ", types)}]".TrimStart();
        }
    }
}
