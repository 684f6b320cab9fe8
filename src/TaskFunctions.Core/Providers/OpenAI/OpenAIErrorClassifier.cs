using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using TaskFunctions.Core.Net;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.OpenAI;

/// <summary>
/// OpenAI's error conventions on top of <see cref="HttpFailureClassifier"/>: bodies <c>{"error":{message,type,param,code}}</c>,
/// content-policy codes, the <c>x-should-retry</c> hint and <c>retry-after-ms</c> / <c>retry-after</c> (read by
/// <see cref="RetryAfterHeader"/> under the official clients' rule: waits above <see cref="MaxRetryAfter"/>, or zero, ignored).
/// </summary>
public static class OpenAIErrorClassifier
{
    /// <summary>How the provider is named in failure messages.</summary>
    public const string ProviderName = "openai";

    public const string ShouldRetryHeader = "x-should-retry";

    /// <summary>Longer waits than this are not honoured (the workflow's own backoff applies), like the official clients.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(120);

    private static readonly RetryAfterRule RetryAfterLimit = RetryAfterRule.HonourUpTo(MaxRetryAfter);

    /// <summary>Error codes that mean the prompt or an image was refused by moderation (OpenAI and Azure OpenAI).</summary>
    private static readonly HashSet<string> ContentPolicyCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "content_policy_violation",
        "moderation_blocked",
        "content_filter",
        "ResponsibleAIPolicyViolation",
    };

    /// <summary>Classifies a non-success status with its headers and body text.</summary>
    public static ProviderFailure Classify(int statusCode, HttpResponseHeaders headers, string? body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var error = Parse(body);
        var (category, retryable) = HttpFailureClassifier.CategoryOf(statusCode);
        if (error.Codes.Any(ContentPolicyCodes.Contains))
        {
            (category, retryable) = (ErrorCategory.CONTENT_POLICY, false);
        }
        else if (statusCode == 429 && error.Codes.Contains("insufficient_quota", StringComparer.OrdinalIgnoreCase))
        {
            // The account is out of credit: waiting does not help.
            retryable = false;
        }

        var hint = Header(headers, ShouldRetryHeader);
        if (string.Equals(hint, "true", StringComparison.OrdinalIgnoreCase))
        {
            retryable = true;
        }
        else if (string.Equals(hint, "false", StringComparison.OrdinalIgnoreCase))
        {
            retryable = false;
        }

        var message = HttpFailureClassifier.StatusMessage(ProviderName, statusCode, error.Describe());
        return new ProviderFailure(message, category, retryable, retryable ? RetryAfterHeader.Parse(headers, now, RetryAfterLimit) : null);
    }

    private static OpenAIError Parse(string? body)
    {
        var error = new OpenAIError();
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
            error.Message = body;
            return error;
        }

        var item = node is JsonObject root ? root["error"] ?? root : node;
        if (item is JsonObject obj)
        {
            error.Message = StringOf(obj["message"]);
            error.Param = StringOf(obj["param"]);
            error.Type = StringOf(obj["type"]);
            AddCode(error, obj["code"]);
            if (obj["innererror"] is JsonObject inner)
            {
                AddCode(error, inner["code"]);
            }
        }
        else
        {
            error.Message = StringOf(item);
        }

        return error;
    }

    private static void AddCode(OpenAIError error, JsonNode? code)
    {
        if (code is JsonValue value && value.GetValueKind() is JsonValueKind.String or JsonValueKind.Number && code.ToString() is { Length: > 0 } text)
        {
            error.Codes.Add(text.Trim());
        }
    }

    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) && values.FirstOrDefault() is { Length: > 0 } value ? value.Trim() : null;

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

    private sealed class OpenAIError
    {
        public string? Message { get; set; }

        public string? Type { get; set; }

        public string? Param { get; set; }

        public List<string> Codes { get; } = [];

        /// <summary>"message (param: size) [code]".</summary>
        public string Describe()
        {
            var text = Message ?? Type ?? string.Empty;
            if (Param is not null)
            {
                text += $" (param: {Param})";
            }

            var codes = Codes.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            return (codes.Count == 0 ? text : $"{text} [{string.Join(", ", codes)}]").Trim();
        }
    }
}
