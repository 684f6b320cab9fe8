using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.ComfyUI;

/// <summary>
/// A ComfyUI server as an <see cref="IJobProvider"/>. Submit uploads the request's images (<c>POST /upload/image</c>),
/// puts the returned file names into the graph and queues it (<c>POST /prompt</c>; the prompt id is the job id). Status
/// reads <c>GET /history/{id}</c> and, while that is empty, <c>GET /queue</c> (Queued with its position, or Running).
/// The result's files are read by this client itself through <c>GET /view</c> (the server is trusted configuration and
/// often on a private network the SSRF-guarded fetcher refuses) and returned inline. Cancel deletes a pending prompt
/// (<c>POST /queue {"delete":[id]}</c>) or interrupts a running one (<c>POST /interrupt</c>).
/// Every call is one HTTP exchange bounded by <see cref="ComfyUIOptions.RequestTimeout"/>, never retried here (the
/// workflow owns retries), journaled without query strings, keys or bytes. The optional key goes only to
/// <see cref="ComfyUIOptions.BaseUrl"/> (every URL is built from it; redirects are not followed).
/// </summary>
public sealed class ComfyUIClient : IJobProvider, IJobLookup
{
    /// <summary>The <c>client_id</c> sent with every prompt (ComfyUI uses it only to route websocket events).</summary>
    public const string ClientId = "taskfunctions";

    private readonly HttpClient http;
    private readonly ComfyUIOptions options;
    private readonly ILogger<ComfyUIClient> logger;

    public ComfyUIClient(HttpClient http, IOptions<ComfyUIOptions> options, ILogger<ComfyUIClient> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        this.http = http;
        this.options = options.Value;
        this.logger = logger;
    }

    public ProviderType Type => ProviderType.COMFYUI;

    private string BaseText => options.BaseUrl.AbsoluteUri.TrimEnd('/') + "/";

    public async Task<ProviderJob> SubmitAsync(ProviderJobRequest request, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(log);
        if (request.Input[ComfyUIRequestMapper.GraphMember] is not JsonObject source || ComfyUIWorkflows.Check(source) is not null)
        {
            throw Invalid($"the request has no API-format workflow under '{ComfyUIRequestMapper.GraphMember}'.");
        }

        var graph = (JsonObject)source.DeepClone();
        var uploads = request.Input[ComfyUIRequestMapper.UploadsMember] as JsonArray ?? [];
        foreach (var upload in uploads)
        {
            await UploadAsync(graph, upload as JsonObject, log, cancellationToken).ConfigureAwait(false);
        }

        // Naming the prompt after the submit makes a re-run able to ask for it (FindSubmittedAsync); servers that predate
        // client-chosen prompt ids ignore the member and answer their own id, which is the one kept.
        var body = new JsonObject { ["prompt"] = graph, ["client_id"] = ClientId };
        if (PromptIdFor(request) is { } chosen)
        {
            body["prompt_id"] = chosen;
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, Url("prompt"))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        var exchange = await SendAsync(message, "prompt", null, log, e =>
            !e.IsSuccess ? ComfyUIErrors.Classify(e.StatusCode, e.Headers, e.Text, log.Now)
            : ComfyUIErrors.String(Prop(e.Json, "prompt_id")) is null ? Malformed(e, "the prompt response has no prompt_id")
            : null, cancellationToken).ConfigureAwait(false);

        var promptId = ComfyUIErrors.String(Prop(exchange.Json, "prompt_id"))!;
        Log.Submitted(logger, request.Endpoint, promptId, uploads.Count);
        return new ProviderJob(ProviderType.COMFYUI, request.Endpoint, promptId, Url("history/" + Uri.EscapeDataString(promptId)).AbsoluteUri);
    }

    /// <summary>
    /// The prompt an earlier submit of <paramref name="request"/> queued under its chosen id: in the history, running or
    /// pending. Null when the server knows no such prompt (never arrived, or a server that ignores chosen ids).
    /// </summary>
    public async Task<ProviderJob?> FindSubmittedAsync(ProviderJobRequest request, DateTimeOffset since, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(log);
        if (PromptIdFor(request) is not { } id)
        {
            return null;
        }

        var known = await HistoryAsync(id, log, cancellationToken).ConfigureAwait(false) is not null
            || await QueueAsync(id, log, cancellationToken).ConfigureAwait(false) is { Running: true } or { Position: not null };
        Log.Lookup(logger, id, known ? "found" : "unknown");
        return known ? new ProviderJob(ProviderType.COMFYUI, request.Endpoint, id, Url("history/" + Uri.EscapeDataString(id)).AbsoluteUri) : null;
    }

    /// <summary>A UUID derived from the submit key (stable across re-runs of one submit), or null without a key.</summary>
    internal static string? PromptIdFor(ProviderJobRequest request)
    {
        if (string.IsNullOrEmpty(request.SubmitKey))
        {
            return null;
        }

        var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("comfyui-prompt:" + request.SubmitKey));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString("D");
    }

    public async Task<ProviderJobStatus> GetStatusAsync(ProviderJob job, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var id = JobId(job);
        if (await HistoryAsync(id, log, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            return StatusOf(entry);
        }

        var queue = await QueueAsync(id, log, cancellationToken).ConfigureAwait(false);
        if (queue.Running)
        {
            return new ProviderJobStatus(ProviderJobState.Running);
        }

        if (queue.Position is { } position)
        {
            return new ProviderJobStatus(ProviderJobState.Queued, QueuePosition: position);
        }

        // It may have finished between the two reads; if history still does not know it, the server lost it (a restart).
        if (await HistoryAsync(id, log, cancellationToken).ConfigureAwait(false) is { } late)
        {
            return StatusOf(late);
        }

        throw new ProviderException(new ProviderFailure(
            $"{ComfyUIErrors.ProviderName}: prompt {HttpFailureClassifier.Sanitize(id)} is neither queued, running nor in the history (the server may have restarted).",
            ErrorCategory.PROVIDER_ERROR,
            Retryable: true));
    }

    public async Task<ProviderOutput> GetResultAsync(ProviderJob job, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var id = JobId(job);
        var entry = await HistoryAsync(id, log, cancellationToken).ConfigureAwait(false)
            ?? throw new ProviderException(new ProviderFailure($"{ComfyUIErrors.ProviderName}: prompt {HttpFailureClassifier.Sanitize(id)} has not finished.", ErrorCategory.PROVIDER_ERROR, Retryable: true));
        var status = StatusOf(entry);
        if (status.State == ProviderJobState.Failed)
        {
            throw new ProviderException(status.Failure!);
        }

        var found = OutputFiles(entry["outputs"] as JsonObject);
        if (found.Count > ProviderResultWriter.MaxFiles)
        {
            Log.TooManyFiles(logger, id, found.Count, ProviderResultWriter.MaxFiles);
            found = found[..ProviderResultWriter.MaxFiles];
        }

        var files = new List<ProviderFile>(found.Count);
        foreach (var file in found)
        {
            files.Add(await ViewAsync(file, id, log, cancellationToken).ConfigureAwait(false));
        }

        return new ProviderOutput(entry.DeepClone(), files, ProviderRequestId: id);
    }

    /// <summary>Downloads one output file through /view.</summary>
    private async Task<ProviderFile> ViewAsync(OutputFile file, string id, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        var query = string.Create(
            CultureInfo.InvariantCulture,
            $"view?filename={Uri.EscapeDataString(file.FileName)}&subfolder={Uri.EscapeDataString(file.Subfolder)}&type={Uri.EscapeDataString(file.Type)}");
        using var message = new HttpRequestMessage(HttpMethod.Get, Url(query));
        var exchange = await SendAsync(message, "view", id, log, e =>
            e.IsSuccess ? null : ComfyUIErrors.Classify(e.StatusCode, e.Headers, e.Text, log.Now), cancellationToken, accept: "*/*").ConfigureAwait(false);
        var contentType = exchange.ContentType is { Length: > 0 } typed && typed != "application/octet-stream" ? typed : ContentTypeOf(file.FileName);
        return ProviderFile.Inline(exchange.Body, file.Kind, contentType, file.JsonPath, file.FileName);
    }

    public async Task<bool> CancelAsync(ProviderJob job, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var id = JobId(job);
        var queue = await QueueAsync(id, log, cancellationToken).ConfigureAwait(false);
        HttpRequestMessage? message = null;
        try
        {
            if (queue.Position is not null)
            {
                var body = new JsonObject { ["delete"] = new JsonArray(id) };
                message = new HttpRequestMessage(HttpMethod.Post, Url("queue")) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
            }
            else if (queue.Running)
            {
                // Servers that know prompt_id interrupt only that prompt; older ones interrupt whatever runs, which is it.
                var body = new JsonObject { ["prompt_id"] = id };
                message = new HttpRequestMessage(HttpMethod.Post, Url("interrupt")) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
            }
            else
            {
                Log.Cancelled(logger, id, "not queued or running");
                return false;
            }

            await SendAsync(message, "cancel", id, log, e =>
                e.IsSuccess ? null : ComfyUIErrors.Classify(e.StatusCode, e.Headers, e.Text, log.Now), cancellationToken).ConfigureAwait(false);
            Log.Cancelled(logger, id, queue.Running ? "interrupted" : "deleted from the queue");
            return true;
        }
        finally
        {
            message?.Dispose();
        }
    }

    /// <summary>The output files of a history entry: every <c>images[]</c> entry, and <c>.mp4</c> entries of <c>gifs</c>/<c>videos</c>,
    /// in node order; saved files (type <c>output</c>) only, unless the workflow saved none (then its previews).</summary>
    internal static List<OutputFile> OutputFiles(JsonObject? outputs)
    {
        var files = new List<OutputFile>();
        foreach (var (node, value) in outputs ?? [])
        {
            if (value is not JsonObject output)
            {
                continue;
            }

            foreach (var key in (string[])["images", "gifs", "videos"])
            {
                if (output[key] is not JsonArray items)
                {
                    continue;
                }

                for (var i = 0; i < items.Count; i++)
                {
                    if (items[i] is not JsonObject item || ComfyUIErrors.String(item["filename"]) is not { } name)
                    {
                        continue;
                    }

                    var video = name.EndsWith(".mp4", StringComparison.OrdinalIgnoreCase);
                    if (key != "images" && !video)
                    {
                        continue;
                    }

                    files.Add(new OutputFile(
                        name,
                        ComfyUIErrors.String(item["subfolder"]) ?? string.Empty,
                        ComfyUIErrors.String(item["type"]) ?? "output",
                        video ? ProviderFileKind.Video : ProviderFileKind.Image,
                        string.Create(CultureInfo.InvariantCulture, $"$.outputs.{node}.{key}[{i}]")));
                }
            }
        }

        return files.Any(f => f.Type != "temp") ? [.. files.Where(f => f.Type != "temp")] : files;
    }

    private async Task UploadAsync(JsonObject graph, JsonObject? upload, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        var node = ComfyUIErrors.String(upload?["node"]);
        var input = ComfyUIErrors.String(upload?["input"]);
        var name = ComfyUIErrors.String(upload?["name"]);
        if (node is null || input is null || name is null || graph[node] is not JsonObject target)
        {
            throw Invalid("an upload of the request names no node of the workflow.");
        }

        var (bytes, mediaType) = DecodeDataUri(ComfyUIErrors.String(upload!["data"])) ?? throw Invalid($"the image for node {node} is not a base64 data URI.");
        using var form = new MultipartFormDataContent();
#pragma warning disable CA2000 // the parts are owned by form, disposed by its using
        var file = new ByteArrayContent(bytes);
        form.Add(file, "image", name);
        file.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        form.Add(new StringContent("input"), "type");
        form.Add(new StringContent("true"), "overwrite");
#pragma warning restore CA2000
        using var message = new HttpRequestMessage(HttpMethod.Post, Url("upload/image")) { Content = form };
        var exchange = await SendAsync(message, "upload", null, log, e =>
            !e.IsSuccess ? ComfyUIErrors.Classify(e.StatusCode, e.Headers, e.Text, log.Now)
            : ComfyUIErrors.String(Prop(e.Json, "name")) is null ? Malformed(e, "the upload response has no name")
            : null, cancellationToken).ConfigureAwait(false);

        var stored = ComfyUIErrors.String(Prop(exchange.Json, "name"))!;
        var subfolder = ComfyUIErrors.String(Prop(exchange.Json, "subfolder"));
        if (target["inputs"] is not JsonObject inputs)
        {
            inputs = [];
            target["inputs"] = inputs;
        }

        // LoadImage takes "subfolder/name" for files below the input folder.
        inputs[input] = subfolder is null ? stored : subfolder + "/" + stored;
    }

    /// <summary>The history entry of <paramref name="id"/>, or null while ComfyUI answers <c>{}</c> (not finished).</summary>
    private async Task<JsonObject?> HistoryAsync(string id, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, Url("history/" + Uri.EscapeDataString(id)));
        var exchange = await SendAsync(message, "history", id, log, e =>
            !e.IsSuccess ? ComfyUIErrors.Classify(e.StatusCode, e.Headers, e.Text, log.Now)
            : e.Json is not JsonObject ? Malformed(e, "the history is not a JSON object")
            : null, cancellationToken).ConfigureAwait(false);
        return exchange.Json![id] as JsonObject;
    }

    /// <summary>Whether <paramref name="id"/> runs now, or its 0-based position among the pending prompts (by queue number).</summary>
    private async Task<(bool Running, int? Position)> QueueAsync(string id, ServiceRequestLog log, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, Url("queue"));
        var exchange = await SendAsync(message, "queue", id, log, e =>
            !e.IsSuccess ? ComfyUIErrors.Classify(e.StatusCode, e.Headers, e.Text, log.Now)
            : e.Json is not JsonObject ? Malformed(e, "the queue is not a JSON object")
            : null, cancellationToken).ConfigureAwait(false);

        static IEnumerable<(double Number, string? Id)> Items(JsonNode? list) =>
            (list as JsonArray ?? []).OfType<JsonArray>().Where(item => item.Count >= 2)
                .Select(item => (item[0] is JsonValue n && n.TryGetValue<double>(out var number) ? number : double.MaxValue, ComfyUIErrors.String(item[1])));

        if (Items(exchange.Json!["queue_running"]).Any(item => item.Id == id))
        {
            return (true, null);
        }

        var pending = Items(exchange.Json!["queue_pending"]).OrderBy(item => item.Number).Select(item => item.Id).ToList();
        var index = pending.IndexOf(id);
        return (false, index >= 0 ? index : null);
    }

    private static ProviderJobStatus StatusOf(JsonObject entry)
    {
        var status = entry["status"] as JsonObject;
        return ComfyUIErrors.String(status?["status_str"]) switch
        {
            "error" => new ProviderJobStatus(ProviderJobState.Failed, Failure: ComfyUIErrors.ExecutionFailure(status)),
            _ => new ProviderJobStatus(ProviderJobState.Completed, Percent: 100),
        };
    }

    private async Task<Exchange> SendAsync(
        HttpRequestMessage message,
        string operation,
        string? jobId,
        ServiceRequestLog log,
        Func<Exchange, ProviderFailure?> judge,
        CancellationToken cancellationToken,
        string accept = "application/json")
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!string.IsNullOrWhiteSpace(options.ApiKey))
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey.Trim());
        }

        message.Headers.TryAddWithoutValidation("Accept", accept);
        var started = Stopwatch.GetTimestamp();
        var exchange = await ProviderHttp.SendAsync(
            http,
            message,
            async (response, ct) =>
            {
                var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
                return new Exchange((int)response.StatusCode, response.Headers, response.Content.Headers.ContentType?.MediaType, body);
            },
            ComfyUIErrors.ProviderName,
            options.RequestTimeout,
            log,
            jobId,
            started,
            () => Log.TimedOut(logger, operation, options.RequestTimeout),
            ex => Log.TransportFailed(logger, operation, ex),
            cancellationToken).ConfigureAwait(false);

        var judged = ProviderHttp.WithoutSecret(judge(exchange), options.ApiKey?.Trim());
        ProviderHttp.Settle(
            log, message, exchange.StatusCode, Stopwatch.GetElapsedTime(started), jobId ?? ComfyUIErrors.String(Prop(exchange.Json, "prompt_id")), judged,
            failure => Log.CallFailed(logger, operation, exchange.StatusCode, failure.Category, failure.Retryable));
        return exchange;
    }

    private Uri Url(string relative) => new(BaseText + relative);

    private static string JobId(ProviderJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Provider == ProviderType.COMFYUI && !string.IsNullOrWhiteSpace(job.JobId)
            ? job.JobId
            : throw new ArgumentException("Not a ComfyUI job.", nameof(job));
    }

    private static (byte[] Bytes, string MediaType)? DecodeDataUri(string? uri)
    {
        if (uri is null || !uri.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var comma = uri.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0 || !uri[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var mediaType = uri[5..comma][..^";base64".Length];
            return (Convert.FromBase64String(uri[(comma + 1)..]), mediaType.Length == 0 ? "application/octet-stream" : mediaType);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string ContentTypeOf(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".webp" => "image/webp",
        ".mp4" => "video/mp4",
        _ => "application/octet-stream",
    };

    private static ProviderFailure Malformed(Exchange exchange, string what) =>
        new($"{ComfyUIErrors.ProviderName}: HTTP {exchange.StatusCode}: {what}.", ErrorCategory.PROVIDER_ERROR, Retryable: true);

    private static ProviderException Invalid(string message) =>
        new(new ProviderFailure($"{ComfyUIErrors.ProviderName}: {message}", ErrorCategory.VALIDATION, false));

    private static JsonNode? Prop(JsonNode? node, string name) => node is JsonObject obj ? obj[name] : null;

    /// <summary>One output file of a history entry, as <c>/view</c> addresses it.</summary>
    internal sealed record OutputFile(string FileName, string Subfolder, string Type, ProviderFileKind Kind, string JsonPath);

    /// <summary>One answered exchange: status, headers, content type and body (its text and JSON on demand).</summary>
    private sealed class Exchange(int statusCode, HttpResponseHeaders headers, string? contentType, byte[] body)
    {
        private JsonNode? json;
        private bool parsed;

        public int StatusCode { get; } = statusCode;

        public HttpResponseHeaders Headers { get; } = headers;

        public string? ContentType { get; } = contentType;

        public byte[] Body { get; } = body;

        public bool IsSuccess => StatusCode is >= 200 and <= 299;

        public string Text => Encoding.UTF8.GetString(Body);

        public JsonNode? Json
        {
            get
            {
                if (!parsed)
                {
                    parsed = true;
                    try
                    {
                        json = Body.Length == 0 ? null : JsonNode.Parse(Body);
                    }
                    catch (JsonException)
                    {
                        json = null;
                    }
                }

                return json;
            }
        }
    }
}
