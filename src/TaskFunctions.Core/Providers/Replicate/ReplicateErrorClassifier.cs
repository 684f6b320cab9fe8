using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TaskFunctions.Core.Net;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.Replicate;

/// <summary>
/// Replicate's error conventions on top of <see cref="HttpFailureClassifier"/>: RFC 7807 bodies
/// <c>{type,title,status,detail}</c>, 429 with <c>Retry-After</c> (or "Expected available in N seconds" in the detail),
/// and predictions that end <c>failed</c> / <c>canceled</c> / <c>aborted</c>.
/// </summary>
public static partial class ReplicateErrorClassifier
{
    /// <summary>How Replicate is named in failure messages.</summary>
    public const string ProviderName = "replicate";

    /// <summary>Classifies a non-success status with its headers and body text (may be empty).</summary>
    public static ProviderFailure Classify(int statusCode, HttpResponseHeaders headers, string? body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var problem = Describe(body);
        var (category, retryable) = HttpFailureClassifier.CategoryOf(statusCode);
        if (statusCode is 400 or 422 && IsContentPolicy(problem))
        {
            (category, retryable) = (ErrorCategory.CONTENT_POLICY, false);
        }

        TimeSpan? retryAfter = null;
        if (retryable)
        {
            retryAfter = RetryAfterHeader.Parse(headers, now) ?? (statusCode == 429 ? ThrottleWait(problem) : null);
        }

        return new ProviderFailure(HttpFailureClassifier.StatusMessage(ProviderName, statusCode, problem), category, retryable, retryAfter);
    }

    /// <summary>
    /// A prediction that ended without output. <c>failed</c> with an NSFW/safety message is CONTENT_POLICY (not retried),
    /// other <c>failed</c> a retryable PROVIDER_ERROR (a model crash may not repeat); <c>canceled</c> is CANCELLED;
    /// <c>aborted</c> (its deadline passed before it started) a retryable TIMEOUT.
    /// </summary>
    public static ProviderFailure ClassifyTerminal(string status, JsonNode? error)
    {
        var text = HttpFailureClassifier.Sanitize(ErrorText(error));
        var suffix = text.Length == 0 ? "." : ": " + text;
        return status switch
        {
            "canceled" => new ProviderFailure($"{ProviderName}: the prediction was canceled{suffix}", ErrorCategory.CANCELLED, Retryable: false),
            "aborted" => new ProviderFailure($"{ProviderName}: the prediction was aborted before it started{suffix}", ErrorCategory.TIMEOUT, Retryable: true),
            _ when IsContentPolicy(text) => new ProviderFailure($"{ProviderName}: the prediction failed{suffix}", ErrorCategory.CONTENT_POLICY, Retryable: false),
            _ => new ProviderFailure($"{ProviderName}: the prediction failed{suffix}", ErrorCategory.PROVIDER_ERROR, Retryable: true),
        };
    }

    /// <summary>Whether a model's error names a safety filter ("NSFW content detected", "flagged as sensitive (E005)", ...).</summary>
    public static bool IsContentPolicy(string? message) => !string.IsNullOrEmpty(message) && ContentPolicyPattern().IsMatch(message);

    /// <summary>"title: detail" of an RFC 7807 body, the <c>detail</c>/<c>error</c> of another JSON body, or the text itself.</summary>
    internal static string? Describe(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return body;
        }

        if (node is not JsonObject root)
        {
            return ErrorText(node) ?? body;
        }

        var title = ErrorText(root["title"]);
        var detail = ErrorText(root["detail"]) ?? ErrorText(root["error"]) ?? ErrorText(root["message"]);
        return (title, detail) switch
        {
            (null, null) => null,
            ({ } t, null) => t,
            (null, { } d) => d,
            ({ } t, { } d) when d.StartsWith(t, StringComparison.OrdinalIgnoreCase) => d,
            ({ } t, { } d) => $"{t}: {d}",
        };
    }

    private static string? ErrorText(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim(),
        JsonArray items => items.Count == 0 ? null : string.Join("; ", items.Select(i => ErrorText(i) ?? i?.ToJsonString()).Where(t => t is not null)),
        JsonObject obj => ErrorText(obj["detail"]) ?? ErrorText(obj["message"]) ?? ErrorText(obj["msg"]) ?? obj.ToJsonString(),
        null => null,
        _ => node.ToJsonString(),
    };

    private static TimeSpan? ThrottleWait(string? detail) =>
        detail is not null
        && ThrottlePattern().Match(detail) is { Success: true } match
        && double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
        && double.IsFinite(seconds)
            ? TimeSpan.FromSeconds(Math.Clamp(seconds, 0, TimeSpan.FromHours(1).TotalSeconds))
            : null;

    [GeneratedRegex(@"\bnsfw\b|safety|sensitive|\bE005\b|content[ _-]?policy|content[ _-]?moderation", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ContentPolicyPattern();

    [GeneratedRegex(@"available in\s+(\d+(?:\.\d+)?)\s*second", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ThrottlePattern();
}
