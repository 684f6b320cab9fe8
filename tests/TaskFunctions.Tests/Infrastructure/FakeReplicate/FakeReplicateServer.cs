using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TaskFunctions.Tests.Infrastructure.FakeReplicate;

/// <summary>
/// A loopback Replicate predictions API (Kestrel on 127.0.0.1, port 0) speaking the protocol of provider-protocols.md:
/// <c>Authorization: Bearer {ApiToken}</c> required (401 problem body otherwise); create at
/// <c>POST /v1/models/{owner}/{name}/predictions</c> <c>{input}</c> (201, scripted and recorded under "owner/name") or
/// <c>POST /v1/predictions</c> <c>{version, input}</c> (scripted and recorded under the version id); get at
/// <c>GET /v1/predictions/{id}</c> (starting → processing → succeeded/failed/aborted); cancel at
/// <c>POST /v1/predictions/{id}/cancel</c> (answers the prediction, <c>canceled</c> unless it had already ended;
/// 404 problem for unknown ids). Output files are served without auth at <c>/files/{name}</c>, like replicate.delivery.
/// Behaviour is scripted per model (<see cref="Script"/>) so parallel tests never collide.
/// </summary>
public sealed class FakeReplicateServer : IAsyncDisposable
{
    private static readonly byte[] Mp4 = CreateMp4();
    private static readonly byte[] NotAnMp4 = "<!DOCTYPE html><html><head><title>404</title></head><body>Not found</body></html>"u8.ToArray();

    private readonly WebApplication app;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<string, ReplicateScript> scripts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, List<ReplicateCall>> calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Prediction> predictions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (byte[] Bytes, string ContentType)> files = new(StringComparer.Ordinal);

    private FakeReplicateServer(WebApplication app)
    {
        this.app = app;
    }

    /// <summary>"http://127.0.0.1:{port}/".</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>"127.0.0.1:{port}" (for <c>Outbound:AllowedHosts</c>, so the result writer may copy the served files).</summary>
    public string HostPort => $"{BaseUrl.Host}:{BaseUrl.Port}";

    /// <summary>The token every API call must carry as <c>Authorization: Bearer {ApiToken}</c>.</summary>
    public string ApiToken { get; } = "r8_fake" + Guid.NewGuid().ToString("N");

    public static async Task<FakeReplicateServer> StartAsync()
    {
        var app = LoopbackApp.Create();
        var server = new FakeReplicateServer(app);
        app.MapGet("/files/{name}", (string name) =>
            server.files.TryGetValue(name, out var file) ? Results.Bytes(file.Bytes, file.ContentType) : Results.NotFound());
        app.Map("/{**path}", server.HandleAsync);
        server.BaseUrl = await LoopbackApp.StartAsync(app);
        return server;
    }

    /// <summary>The script of <paramref name="modelOrVersion"/> ("owner/name", or a version id for version creates), created on first use.</summary>
    public ReplicateScript Script(string modelOrVersion) => scripts.GetOrAdd(modelOrVersion, key => new ReplicateScript(key));

    /// <summary>A fresh script in place of any earlier one (for the configured default models several tests script in turn).</summary>
    public ReplicateScript NewScript(string modelOrVersion)
    {
        var script = new ReplicateScript(modelOrVersion);
        scripts[modelOrVersion] = script;
        return script;
    }

    /// <summary>
    /// Every request received for <paramref name="modelOrVersion"/> in arrival order. Gets and cancels count for the
    /// model or version the prediction was created with; calls for unknown ids count under "unknown".
    /// </summary>
    public IReadOnlyList<ReplicateCall> Calls(string modelOrVersion)
    {
        if (!calls.TryGetValue(modelOrVersion, out var list))
        {
            return [];
        }

        lock (list)
        {
            return [.. list];
        }
    }

    public int CreateCount(string modelOrVersion) => Calls(modelOrVersion).Count(c => c.Kind == "create");

    public int GetCount(string modelOrVersion) => Calls(modelOrVersion).Count(c => c.Kind == "get");

    public int CancelCount(string modelOrVersion) => Calls(modelOrVersion).Count(c => c.Kind == "cancel");

    /// <summary>The <c>input</c> objects of every create received for <paramref name="modelOrVersion"/>, in arrival order.</summary>
    public IReadOnlyList<JsonObject> CreatedInputs(string modelOrVersion)
    {
        var inputs = new List<JsonObject>();
        foreach (var call in Calls(modelOrVersion).Where(c => c.Kind == "create"))
        {
            if (TryParse(call.Body)?["input"] is JsonObject input)
            {
                inputs.Add(input);
            }
        }

        return inputs;
    }

    /// <summary>The status the prediction <paramref name="id"/> has now (without counting as a get); null when unknown.</summary>
    public string? StatusOf(string id)
    {
        if (!predictions.TryGetValue(id, out var prediction))
        {
            return null;
        }

        lock (prediction)
        {
            return prediction.Status;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await app.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Held connections are aborted; nothing else to wait for.
        }

        await app.DisposeAsync();
        stopping.Dispose();
    }

    /// <summary>Predictions per page of the list.</summary>
    public const int ListPageSize = 100;

    /// <summary>How many list requests were received.</summary>
    public int ListCount => Calls("list").Count;

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var segments = (request.Path.Value ?? string.Empty).Trim('/').Split('/');
        string kind;
        string key;
        Prediction? prediction = null;
        switch (request.Method, segments)
        {
            case ("POST", ["v1", "models", var owner, var name, "predictions"]):
                (kind, key) = ("create", $"{owner}/{name}");
                break;
            case ("POST", ["v1", "predictions"]):
                (kind, key) = ("create", TryParse(body)?["version"] is JsonValue version && version.TryGetValue<string>(out var versionId) ? versionId : "unknown");
                break;
            case ("GET", ["v1", "predictions"]):
                (kind, key) = ("list", "list");
                break;
            case ("GET", ["v1", "predictions", var getId]):
                predictions.TryGetValue(getId!, out prediction);
                (kind, key) = ("get", prediction?.Key ?? "unknown");
                break;
            case ("POST", ["v1", "predictions", var cancelId, "cancel"]):
                predictions.TryGetValue(cancelId!, out prediction);
                (kind, key) = ("cancel", prediction?.Key ?? "unknown");
                break;
            default:
                (kind, key) = ("other", "unknown");
                break;
        }

        Record(key, new ReplicateCall(kind, request.Method, request.Path + request.QueryString, Headers(request), body, DateTimeOffset.UtcNow));

        if (request.Headers.Authorization.ToString() != "Bearer " + ApiToken)
        {
            await Raw(context, 401, ReplicatePlan.Problem(401, "Unauthenticated", "You did not pass a valid authentication token"), []);
            return;
        }

        switch (kind)
        {
            case "create":
                await CreateAsync(context, key, segments.Length == 2, body);
                break;
            case "list":
                await ListAsync(context);
                break;
            case "get" when prediction is not null:
                await GetAsync(context, prediction);
                break;
            case "cancel" when prediction is not null:
                await CancelAsync(context, prediction);
                break;
            default:
                await Raw(context, 404, ReplicatePlan.Problem(404, "Not found", "The requested resource could not be found."), []);
                break;
        }
    }

    private async Task CreateAsync(HttpContext context, string key, bool byVersion, string body)
    {
        var plan = Script(key).NextPlan();
        switch (plan.Kind)
        {
            case ReplicatePlanKind.CreateFails:
                await Raw(context, plan.FailureStatus, plan.FailureBody, plan.FailureHeaders);
                return;
            case ReplicatePlanKind.CreateHangs:
                using (var held = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping.Token))
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, held.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        context.Abort();
                    }
                }

                return;
        }

        if (TryParse(body) is not JsonObject root || root["input"] is not JsonObject input)
        {
            await Raw(context, 422, ReplicatePlan.Problem(422, "Input validation failed", "- input: Invalid type. Expected: object"), []);
            return;
        }

        var id = NewId();
        var prediction = new Prediction(id, key, byVersion ? null : key, byVersion ? key : "hidden", plan, Script(key), input);
        predictions[id] = prediction;
        JsonObject answer;
        lock (prediction)
        {
            answer = Json(prediction);
        }

        if (plan.Kind == ReplicatePlanKind.CreatesThenHangs)
        {
            using var held = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping.Token);
            try
            {
                await Task.Delay(Timeout.Infinite, held.Token);
            }
            catch (OperationCanceledException)
            {
                context.Abort();
            }

            return;
        }

        await Raw(context, 201, answer.ToJsonString(), []);
    }

    /// <summary><c>GET /v1/predictions</c>: every prediction, newest first, <see cref="ListPageSize"/> per page (<c>?cursor=</c> the offset).</summary>
    private async Task ListAsync(HttpContext context)
    {
        var offset = int.TryParse(context.Request.Query["cursor"], NumberStyles.None, CultureInfo.InvariantCulture, out var cursor) ? cursor : 0;
        var all = predictions.Values.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id, StringComparer.Ordinal).ToList();
        var results = new JsonArray();
        foreach (var prediction in all.Skip(offset).Take(ListPageSize))
        {
            lock (prediction)
            {
                results.Add(Json(prediction));
            }
        }

        var next = offset + ListPageSize < all.Count
            ? new Uri(BaseUrl, "v1/predictions?cursor=" + (offset + ListPageSize).ToString(CultureInfo.InvariantCulture)).AbsoluteUri
            : null;
        await Raw(context, 200, new JsonObject { ["next"] = next, ["previous"] = null, ["results"] = results }.ToJsonString(), []);
    }

    private async Task GetAsync(HttpContext context, Prediction prediction)
    {
        var plan = prediction.Plan;
        if (plan.Kind == ReplicatePlanKind.GetFails)
        {
            await Raw(context, plan.FailureStatus, plan.FailureBody, plan.FailureHeaders);
            return;
        }

        JsonObject answer;
        lock (prediction)
        {
            if (!prediction.IsTerminal)
            {
                var poll = ++prediction.Polls;
                if (poll <= plan.StartingPolls && plan.Kind != ReplicatePlanKind.Hangs)
                {
                    prediction.Status = "starting";
                }
                else if (plan.Output == ReplicateOutputKind.Aborted)
                {
                    Finish(prediction, "aborted");
                }
                else if (plan.Kind == ReplicatePlanKind.Hangs || poll <= plan.StartingPolls + plan.ProcessingPolls || (plan.Hold && !prediction.Script.IsReleased))
                {
                    prediction.Status = "processing";
                    prediction.StartedAt ??= DateTimeOffset.UtcNow;
                    var step = Math.Max(0, poll - plan.StartingPolls);
                    prediction.Logs.Append(string.Create(CultureInfo.InvariantCulture, $"Generating {Math.Min(99, step * 100 / (plan.ProcessingPolls + 1))}%\n"));
                }
                else
                {
                    Complete(prediction);
                }
            }

            answer = Json(prediction);
        }

        await Raw(context, 200, answer.ToJsonString(), []);
    }

    private async Task CancelAsync(HttpContext context, Prediction prediction)
    {
        JsonObject answer;
        lock (prediction)
        {
            if (!prediction.IsTerminal)
            {
                Finish(prediction, "canceled");
            }

            answer = Json(prediction);
        }

        await Raw(context, 200, answer.ToJsonString(), []);
    }

    private void Complete(Prediction prediction)
    {
        var plan = prediction.Plan;
        prediction.StartedAt ??= DateTimeOffset.UtcNow;
        switch (plan.Output)
        {
            case ReplicateOutputKind.Failed:
                prediction.Error = plan.Error;
                Finish(prediction, "failed");
                return;
            case ReplicateOutputKind.Images:
                var urls = Enumerable.Range(0, plan.Images).Select(_ => (JsonNode)ServePng(plan.Width, plan.Height)).ToArray();
                prediction.Output = plan.AsList ? new JsonArray(urls) : urls[0];
                break;
            case ReplicateOutputKind.Video:
                prediction.Output = Serve(NewId() + ".mp4", Mp4, "video/mp4");
                break;
            case ReplicateOutputKind.FakeVideo:
                prediction.Output = Serve(NewId() + ".mp4", NotAnMp4, "video/mp4");
                break;
            case ReplicateOutputKind.Text:
                prediction.Output = new JsonArray([.. plan.Chunks.Select(c => (JsonNode)c)]);
                break;
            case ReplicateOutputKind.Json:
                var text = plan.OutputJson!;
                while (text.Contains("{file}", StringComparison.Ordinal))
                {
                    var at = text.IndexOf("{file}", StringComparison.Ordinal);
                    text = string.Concat(text.AsSpan(0, at), ServePng(plan.Width, plan.Height), text.AsSpan(at + "{file}".Length));
                }

                prediction.Output = JsonNode.Parse(text);
                break;
            case ReplicateOutputKind.Echo:
                if (FirstImage(prediction.Input) is not { } image)
                {
                    prediction.Error = "no input image";
                    Finish(prediction, "failed");
                    return;
                }

                prediction.Output = Serve(NewId() + image.Extension, image.Bytes, image.ContentType);
                break;
        }

        Finish(prediction, "succeeded");
    }

    private static void Finish(Prediction prediction, string status)
    {
        prediction.Status = status;
        prediction.CompletedAt = DateTimeOffset.UtcNow;
        if (status is "succeeded" or "failed")
        {
            var metrics = new JsonObject { ["predict_time"] = prediction.Plan.PredictTime, ["total_time"] = prediction.Plan.PredictTime + 0.5 };
            if (prediction.Plan.InputTokens is { } input)
            {
                metrics["input_token_count"] = input;
            }

            if (prediction.Plan.OutputTokens is { } output)
            {
                metrics["output_token_count"] = output;
            }

            prediction.Metrics = metrics;
        }
    }

    private JsonObject Json(Prediction prediction)
    {
        var get = new Uri(BaseUrl, "v1/predictions/" + prediction.Id).AbsoluteUri;
        return new JsonObject
        {
            ["id"] = prediction.Id,
            ["model"] = prediction.Model ?? "unknown/model",
            ["version"] = prediction.Version,
            ["input"] = prediction.Input.DeepClone(),
            ["logs"] = prediction.Logs.ToString(),
            ["output"] = prediction.Output?.DeepClone(),
            ["data_removed"] = false,
            ["error"] = prediction.Error,
            ["status"] = prediction.Status,
            ["created_at"] = prediction.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            ["started_at"] = prediction.StartedAt?.ToString("O", CultureInfo.InvariantCulture),
            ["completed_at"] = prediction.CompletedAt?.ToString("O", CultureInfo.InvariantCulture),
            ["urls"] = new JsonObject { ["get"] = get, ["cancel"] = get + "/cancel", ["web"] = "https://replicate.com/p/" + prediction.Id },
            ["metrics"] = prediction.Metrics?.DeepClone(),
        };
    }

    private static (byte[] Bytes, string ContentType, string Extension)? FirstImage(JsonObject input)
    {
        foreach (var (_, node) in input)
        {
            if (node is JsonValue value && value.TryGetValue<string>(out var text) && text.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            {
                var comma = text.IndexOf(',', StringComparison.Ordinal);
                if (comma < 0 || !text[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                try
                {
                    var bytes = Convert.FromBase64String(text[(comma + 1)..]);
                    var type = text[5..comma].Split(';')[0];
                    var extension = type switch { "image/jpeg" => ".jpg", "image/webp" => ".webp", _ => ".png" };
                    return (bytes, type, extension);
                }
                catch (FormatException)
                {
                    continue;
                }
            }
        }

        return null;
    }

    private string ServePng(int width, int height) => Serve(NewId() + ".png", TestImages.SplitPng(width, height), "image/png");

    private string Serve(string name, byte[] bytes, string contentType)
    {
        files[name] = (bytes, contentType);
        return new Uri(BaseUrl, "files/" + name).AbsoluteUri;
    }

    private void Record(string key, ReplicateCall call)
    {
        var list = calls.GetOrAdd(key, _ => []);
        lock (list)
        {
            list.Add(call);
        }
    }

    /// <summary>A Replicate-style prediction id: 26 lowercase base-32 characters.</summary>
    private static string NewId()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        Span<byte> bytes = stackalloc byte[26];
        Random.Shared.NextBytes(bytes);
        var chars = new char[26];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[bytes[i] % alphabet.Length];
        }

        return new string(chars);
    }

    private static JsonNode? TryParse(string body)
    {
        try
        {
            return string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static Dictionary<string, string> Headers(HttpRequest request)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(", ", values.ToArray());
        }

        return headers;
    }

    private static async Task Raw(HttpContext context, int status, string body, IEnumerable<(string Name, string Value)> headers)
    {
        var response = context.Response;
        response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            response.Headers.Append(name, value);
        }

        var json = body.TrimStart().StartsWith('{') || body.TrimStart().StartsWith('[');
        response.ContentType = !json ? "text/plain; charset=utf-8" : status >= 400 ? "application/problem+json" : "application/json";
        await response.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>A tiny byte payload that starts like an MP4 (an ftyp box), enough for content sniffing.</summary>
    private static byte[] CreateMp4()
    {
        var bytes = new List<byte> { 0, 0, 0, 0x18 };
        bytes.AddRange("ftypisom"u8.ToArray());
        bytes.AddRange(new byte[] { 0, 0, 2, 0 });
        bytes.AddRange("isomiso2"u8.ToArray());
        bytes.AddRange(new byte[] { 0, 0, 0, 8 });
        bytes.AddRange("free"u8.ToArray());
        return [.. bytes];
    }

    /// <summary>One prediction's state; guarded by locking the instance.</summary>
    private sealed class Prediction(string id, string key, string? model, string version, ReplicatePlan plan, ReplicateScript script, JsonObject input)
    {
        public string Id { get; } = id;

        public string Key { get; } = key;

        public string? Model { get; } = model;

        public string Version { get; } = version;

        public ReplicatePlan Plan { get; } = plan;

        public ReplicateScript Script { get; } = script;

        public JsonObject Input { get; } = input;

        public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;

        public DateTimeOffset? StartedAt { get; set; }

        public DateTimeOffset? CompletedAt { get; set; }

        public string Status { get; set; } = "starting";

        public int Polls { get; set; }

        public StringBuilder Logs { get; } = new();

        public JsonNode? Output { get; set; }

        public string? Error { get; set; }

        public JsonObject? Metrics { get; set; }

        public bool IsTerminal => Status is "succeeded" or "failed" or "canceled" or "aborted";
    }
}
