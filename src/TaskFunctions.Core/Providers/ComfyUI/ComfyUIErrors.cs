using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using TaskFunctions.Core.Net;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.ComfyUI;

/// <summary>
/// ComfyUI's error conventions on top of <see cref="HttpFailureClassifier"/>: a refused prompt answers 400
/// <c>{error:{type,message,details}, node_errors:{id:{class_type, errors:[{type,message,details}]}}}</c>, a failed run
/// ends in history with <c>status.status_str "error"</c> and an <c>execution_error</c> (or <c>execution_interrupted</c>) message.
/// </summary>
public static class ComfyUIErrors
{
    /// <summary>How ComfyUI is named in failure messages.</summary>
    public const string ProviderName = "comfyui";

    /// <summary>Classifies a non-success answer; a 400 to <c>POST /prompt</c> is VALIDATION naming the first failing node.</summary>
    public static ProviderFailure Classify(int statusCode, HttpResponseHeaders headers, string? body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var (category, retryable) = HttpFailureClassifier.CategoryOf(statusCode);
        var message = HttpFailureClassifier.StatusMessage(ProviderName, statusCode, Describe(body));
        return new ProviderFailure(message, category, retryable, retryable ? RetryAfterHeader.Parse(headers, now) : null);
    }

    /// <summary>"Prompt outputs failed validation: node 6 (CLIPTextEncode): Required input is missing: clip", from a ComfyUI error body.</summary>
    public static string Describe(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return string.Empty;
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
            return body;
        }

        var parts = new List<string>();
        if (root["error"] is JsonObject error)
        {
            var text = String(error["message"]) ?? String(error["type"]);
            var details = String(error["details"]);
            if (text is not null)
            {
                parts.Add(details is null ? text : $"{text} ({details})");
            }
        }
        else if (String(root["error"]) is { } plain)
        {
            parts.Add(plain);
        }

        if (root["node_errors"] is JsonObject nodes && nodes.FirstOrDefault(n => n.Value is JsonObject) is { Key: { } id, Value: JsonObject failed })
        {
            var first = failed["errors"] is JsonArray { Count: > 0 } errors && errors[0] is JsonObject item ? item : null;
            var what = String(first?["message"]) ?? String(first?["type"]) ?? "invalid";
            var details = String(first?["details"]);
            parts.Add($"node {id} ({String(failed["class_type"]) ?? "unknown class"}): {what}" + (details is null ? string.Empty : ": " + details));
        }

        return parts.Count == 0 ? body : string.Join(": ", parts);
    }

    /// <summary>
    /// The failure of a history entry whose status is "error": the node and exception of its <c>execution_error</c>
    /// message (PROVIDER_ERROR, retryable: out-of-memory and the like may not repeat), or CANCELLED when it was interrupted.
    /// </summary>
    public static ProviderFailure ExecutionFailure(JsonObject? status)
    {
        foreach (var message in (status?["messages"] as JsonArray ?? []).Reverse())
        {
            if (message is not JsonArray { Count: >= 1 } pair)
            {
                continue;
            }

            var data = pair.Count > 1 ? pair[1] as JsonObject : null;
            switch (String(pair[0]))
            {
                case "execution_interrupted":
                    return new ProviderFailure($"{ProviderName}: the prompt was interrupted.", ErrorCategory.CANCELLED, false);
                case "execution_error":
                    var node = String(data?["node_id"]);
                    var type = String(data?["node_type"]);
                    var exception = String(data?["exception_type"]);
                    var text = String(data?["exception_message"]);
                    var where = node is null ? string.Empty : $" at node {node}" + (type is null ? string.Empty : $" ({type})");
                    var what = string.Join(": ", new[] { exception, text }.Where(s => s is not null));
                    return new ProviderFailure(
                        HttpFailureClassifier.Sanitize($"{ProviderName}: the prompt failed{where}" + (what.Length == 0 ? "." : ": " + what)), ErrorCategory.PROVIDER_ERROR, true);
            }
        }

        return new ProviderFailure($"{ProviderName}: the prompt failed.", ErrorCategory.PROVIDER_ERROR, true);
    }

    internal static string? String(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;
}
