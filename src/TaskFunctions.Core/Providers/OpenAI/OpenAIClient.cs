using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.OpenAI;

/// <summary>
/// The OpenAI-compatible API (chat completions, image generations, image edits) as an <see cref="ICallProvider"/>: one
/// POST per attempt bounded by <see cref="OpenAIOptions.RequestTimeout"/>, journaled in the <see cref="ServiceRequestLog"/>
/// (URL without query, never the key, never bytes). It never retries on its own: the durable workflow owns the attempt
/// budget and backoff. Requests only ever go to URLs built from <see cref="OpenAIOptions.BaseUrl"/>; redirects are not
/// followed, so the key never reaches another host.
/// </summary>
public sealed partial class OpenAIClient : ICallProvider
{
    public const string ChatEndpoint = "chat/completions";
    public const string GenerationsEndpoint = "images/generations";
    public const string EditsEndpoint = "images/edits";

    /// <summary>
    /// Input key of an <see cref="EditsEndpoint"/> request holding the images (base first) as a JSON array of data URIs;
    /// each becomes one <c>image[]</c> file part of the multipart body.
    /// </summary>
    public const string ImagesKey = "image";

    /// <summary>Input key of an optional mask (a data URI), sent as the <c>mask</c> file part.</summary>
    public const string MaskKey = "mask";

    /// <summary>The images API takes at most this many input images per edit.</summary>
    public const int MaxEditImages = 16;

    private const string RequestIdHeader = "x-request-id";
    private const string AzureRequestIdHeader = "apim-request-id";

    private readonly HttpClient http;
    private readonly OpenAIOptions options;
    private readonly ILogger<OpenAIClient> logger;

    public OpenAIClient(HttpClient http, IOptions<OpenAIOptions> options, ILogger<OpenAIClient> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        this.http = http;
        this.options = options.Value;
        this.logger = logger;
    }

    public ProviderType Type => ProviderType.OPENAI;

    public async Task<ProviderOutput> CallAsync(ProviderJobRequest request, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(log);
        var endpoint = request.Endpoint;
        if (endpoint is not (ChatEndpoint or GenerationsEndpoint or EditsEndpoint))
        {
            throw new ProviderException(new ProviderFailure(
                $"{OpenAIErrorClassifier.ProviderName}: '{HttpFailureClassifier.Sanitize(endpoint)}' is not an endpoint of this client.", ErrorCategory.INTERNAL, Retryable: false));
        }

        var model = Model(request.Input);
        var key = RequireKey(endpoint);
        var url = Url(endpoint, model);
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = endpoint == EditsEndpoint ? Multipart(request.Input) : Json(request.Input) };
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (options.UsesAzure())
        {
            message.Headers.TryAddWithoutValidation("api-key", key);
        }
        else
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        var started = Stopwatch.GetTimestamp();
        var exchange = await ProviderHttp.SendAsync(
            http,
            message,
            async (response, ct) =>
            {
                var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                return new Exchange((int)response.StatusCode, response.Headers, body, ProviderHttp.ParseJson(body),
                    ProviderHttp.Header(response.Headers, RequestIdHeader) ?? ProviderHttp.Header(response.Headers, AzureRequestIdHeader));
            },
            OpenAIErrorClassifier.ProviderName,
            options.RequestTimeout,
            log,
            jobId: null,
            started,
            () => Log.TimedOut(logger, endpoint, model, options.RequestTimeout),
            ex => Log.TransportFailed(logger, endpoint, model, ex),
            cancellationToken).ConfigureAwait(false);

        var (output, judged) = exchange.IsSuccess
            ? Interpret(endpoint, exchange)
            : (null, OpenAIErrorClassifier.Classify(exchange.StatusCode, exchange.Headers, exchange.Body, log.Now));
        var elapsed = Stopwatch.GetElapsedTime(started);
        ProviderHttp.Settle(
            log, message, exchange.StatusCode, elapsed, exchange.RequestId, ProviderHttp.WithoutSecret(judged, key),
            failure => Log.CallFailed(logger, endpoint, model, exchange.StatusCode, failure.Category, failure.Retryable));
        Log.Called(logger, endpoint, model, elapsed);
        return output!;
    }

    /// <summary>The address of <paramref name="endpoint"/>: <c>{BaseUrl}/{endpoint}</c>, or in Azure mode <c>{BaseUrl}/openai/deployments/{model}/{endpoint}?api-version=…</c>.</summary>
    internal Uri Url(string endpoint, string model)
    {
        var root = options.BaseUrl.AbsoluteUri.TrimEnd('/') + "/";
        return options.UsesAzure()
            ? new Uri(root + "openai/deployments/" + Uri.EscapeDataString(model) + "/" + endpoint + "?api-version=" + Uri.EscapeDataString(options.ApiVersion!.Trim()))
            : new Uri(root + endpoint);
    }

    private string Model(JsonObject input)
    {
        var model = StringOf(input["model"]);
        if (model is null || model.Length > 256 || (options.UsesAzure() && !DeploymentPattern().IsMatch(model)))
        {
            throw new ProviderException(new ProviderFailure(
                model is null
                    ? $"{OpenAIErrorClassifier.ProviderName}: the request names no model."
                    : $"{OpenAIErrorClassifier.ProviderName}: '{HttpFailureClassifier.Sanitize(model)}' is not a valid {(options.UsesAzure() ? "deployment" : "model")} name.",
                ErrorCategory.VALIDATION,
                Retryable: false));
        }

        return model;
    }

    private string RequireKey(string endpoint)
    {
        if (!string.IsNullOrWhiteSpace(options.ApiKey))
        {
            return options.ApiKey.Trim();
        }

        Log.MissingKey(logger, endpoint);
        throw new ProviderException(new ProviderFailure(
            $"{OpenAIErrorClassifier.ProviderName}: no API key is configured (Providers:OpenAI:ApiKey).", ErrorCategory.AUTHENTICATION, Retryable: false));
    }

    private static StringContent Json(JsonObject input) => new(input.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>
    /// The images/edits body: <see cref="ImagesKey"/>'s data URIs as <c>image[]</c> file parts, <see cref="MaskKey"/> as
    /// the <c>mask</c> file part, strings as text fields, other values as their JSON text, nulls left out.
    /// </summary>
    private static MultipartFormDataContent Multipart(JsonObject input)
    {
        var images = input[ImagesKey] switch
        {
            JsonArray list => list.Select(StringOf).ToList(),
            JsonValue single => [StringOf(single)],
            _ => [],
        };
        if (images.Count == 0 || images.Count > MaxEditImages)
        {
            throw new ProviderException(new ProviderFailure(
                $"{OpenAIErrorClassifier.ProviderName}: an edit takes 1 to {MaxEditImages} images, not {images.Count}.", ErrorCategory.VALIDATION, Retryable: false));
        }

        var content = new MultipartFormDataContent();
        try
        {
            for (var i = 0; i < images.Count; i++)
            {
                AddFile(content, "image[]", $"image-{i}", images[i], $"{ImagesKey}[{i}]");
            }

            if (StringOf(input[MaskKey]) is { } mask)
            {
                AddFile(content, "mask", "mask", mask, MaskKey);
            }

            foreach (var (name, node) in input)
            {
                if (name is ImagesKey or MaskKey || node is null)
                {
                    continue;
                }

                var text = node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : node.ToJsonString();
#pragma warning disable CA2000 // owned by content, disposed by the caller (or below on failure)
                content.Add(new StringContent(text, Encoding.UTF8), name);
#pragma warning restore CA2000
            }

            return content;
        }
        catch
        {
            content.Dispose();
            throw;
        }
    }

    private static void AddFile(MultipartFormDataContent content, string name, string stem, string? dataUri, string field)
    {
        if (!TryDecodeDataUri(dataUri, out var bytes, out var mediaType))
        {
            throw new ProviderException(new ProviderFailure(
                $"{OpenAIErrorClassifier.ProviderName}: {field} is not a base64 image data URI.", ErrorCategory.VALIDATION, Retryable: false));
        }

        var extension = mediaType switch
        {
            "image/jpeg" => "jpg",
            "image/webp" => "webp",
            _ => "png",
        };
#pragma warning disable CA2000 // owned by content from here on, disposed with it
        var part = new ByteArrayContent(bytes);
        content.Add(part, name, $"{stem}.{extension}");
#pragma warning restore CA2000
        part.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
    }

    /// <summary>Decodes <c>data:image/…;base64,…</c>; false for anything else (URLs included).</summary>
    internal static bool TryDecodeDataUri(string? dataUri, out byte[] bytes, out string mediaType)
    {
        bytes = [];
        mediaType = "image/png";
        if (dataUri is null || !dataUri.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var comma = dataUri.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0 || !dataUri[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var type = dataUri[5..(comma - 7)].Trim().ToLowerInvariant();
        if (type is not ("image/png" or "image/jpeg" or "image/webp"))
        {
            return false;
        }

        try
        {
            bytes = Convert.FromBase64String(dataUri[(comma + 1)..]);
        }
        catch (FormatException)
        {
            return false;
        }

        mediaType = type;
        return bytes.Length > 0;
    }

    /// <summary>A 2xx answer as output, or the failure it stands for (a content-filtered answer, a malformed body).</summary>
    private static (ProviderOutput? Output, ProviderFailure? Failure) Interpret(string endpoint, Exchange exchange)
    {
        if (exchange.Json is not JsonObject body)
        {
            return (null, Malformed(exchange, "the answer is not a JSON object"));
        }

        return endpoint == ChatEndpoint ? Chat(exchange, body) : Images(exchange, body);
    }

    private static (ProviderOutput?, ProviderFailure?) Chat(Exchange exchange, JsonObject body)
    {
        if (body["choices"] is not JsonArray { Count: > 0 } choices || choices[0] is not JsonObject choice)
        {
            return (null, Malformed(exchange, "the answer has no choices"));
        }

        if (StringOf(choice["finish_reason"]) == "content_filter")
        {
            return (null, new ProviderFailure(
                $"{OpenAIErrorClassifier.ProviderName}: the answer was withheld by the content filter (finish_reason content_filter).", ErrorCategory.CONTENT_POLICY, Retryable: false));
        }

        var message = choice["message"] as JsonObject;
        if (StringOf(message?["refusal"]) is { } refusal)
        {
            return (null, new ProviderFailure(
                $"{OpenAIErrorClassifier.ProviderName}: the model refused: {HttpFailureClassifier.Sanitize(refusal)}", ErrorCategory.CONTENT_POLICY, Retryable: false));
        }

        var text = message?["content"] switch
        {
            JsonValue value when value.TryGetValue<string>(out var s) => s,
            JsonArray parts => string.Concat(parts.OfType<JsonObject>().Where(p => StringOf(p["type"]) == "text").Select(p => StringOf(p["text"]))),
            _ => null,
        };
        var usage = body["usage"] as JsonObject;
        var tokens = usage is null ? null : new TokenUsage(IntOf(usage["prompt_tokens"]), IntOf(usage["completion_tokens"]));
        return (new ProviderOutput(body, [], string.IsNullOrEmpty(text) ? null : text, exchange.RequestId ?? StringOf(body["id"]), tokens), null);
    }

    private static (ProviderOutput?, ProviderFailure?) Images(Exchange exchange, JsonObject body)
    {
        if (body["data"] is not JsonArray { Count: > 0 } data)
        {
            return (null, Malformed(exchange, "the answer has no images"));
        }

        var contentType = StringOf(body["output_format"])?.ToLowerInvariant() switch
        {
            "jpeg" or "jpg" => "image/jpeg",
            "webp" => "image/webp",
            _ => "image/png",
        };
        var files = new List<ProviderFile>();
        for (var i = 0; i < data.Count; i++)
        {
            if (data[i] is not JsonObject item)
            {
                continue;
            }

            if (StringOf(item["b64_json"]) is { } b64)
            {
                byte[] bytes;
                try
                {
                    bytes = Convert.FromBase64String(b64);
                }
                catch (FormatException)
                {
                    return (null, Malformed(exchange, $"data[{i}].b64_json is not base64"));
                }

                // The bytes travel as the file's content; the raw answer keeps no second copy of them.
                item.Remove("b64_json");
                files.Add(ProviderFile.Inline(bytes, ProviderFileKind.Image, contentType, $"$.data[{i}].b64_json"));
            }
            else if (StringOf(item["url"]) is { } address && Uri.TryCreate(address, UriKind.Absolute, out var url))
            {
                // Older image models answer with short-lived URLs; the result writer copies them through the SSRF guard.
                files.Add(new ProviderFile(url, ProviderFileKind.Image, null, null, $"$.data[{i}].url"));
            }
        }

        if (files.Count == 0)
        {
            return (null, Malformed(exchange, "the answer has no image data"));
        }

        var usage = body["usage"] as JsonObject;
        var tokens = usage is null ? null : new TokenUsage(IntOf(usage["input_tokens"]), IntOf(usage["output_tokens"]));
        return (new ProviderOutput(body, files, ProviderRequestId: exchange.RequestId, Usage: tokens), null);
    }

    private static ProviderFailure Malformed(Exchange exchange, string what) =>
        new($"{OpenAIErrorClassifier.ProviderName}: HTTP {exchange.StatusCode}: {what}.", ErrorCategory.PROVIDER_ERROR, Retryable: true);

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

    private static int? IntOf(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<int>(out var number) ? Math.Max(0, number)
        : node is JsonValue other && other.TryGetValue<double>(out var real) && double.IsFinite(real) ? (int)Math.Clamp(real, 0, int.MaxValue)
        : null;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex DeploymentPattern();

    /// <summary>One answered exchange: status, headers, body text and its JSON when it parses.</summary>
    private sealed record Exchange(int StatusCode, HttpResponseHeaders Headers, string Body, JsonNode? Json, string? RequestId)
    {
        public bool IsSuccess => StatusCode is >= 200 and <= 299;
    }
}
