using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TaskFunctions.Tests.Infrastructure.FakeFal;

/// <summary>
/// A loopback fal.ai queue API (Kestrel on 127.0.0.1, port 0) speaking the protocol of provider-protocols.md:
/// <c>Authorization: Key</c> required, submit at <c>POST /{app id}</c>, status/result/cancel at
/// <c>/{owner}/{alias}/requests/{id}[/status|/cancel]</c>, result files served at <c>/files/{name}</c> (no key, like fal's CDN).
/// Behaviour is scripted per app id (<see cref="Script"/>) so parallel tests never collide.
/// A cancelled job answers status COMPLETED with <c>error: "Request was cancelled"</c>; its result answers
/// 400 <c>{"detail":"Request was cancelled"}</c>.
/// </summary>
public sealed class FakeFalServer : IAsyncDisposable
{
    private static readonly byte[] Mp4 = CreateMp4();

    private readonly WebApplication app;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<string, FalScript> scripts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, List<FalCall>> calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FakeFalJob> jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (byte[] Bytes, string ContentType)> files = new(StringComparer.Ordinal);

    private FakeFalServer(WebApplication app)
    {
        this.app = app;
    }

    /// <summary>"http://127.0.0.1:{port}/".</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>"127.0.0.1:{port}".</summary>
    public string HostPort => $"{BaseUrl.Host}:{BaseUrl.Port}";

    /// <summary>The key every queue call must carry as <c>Authorization: Key {ApiKey}</c>.</summary>
    public string ApiKey { get; } = "fake-fal-" + Guid.NewGuid().ToString("N");

    public static async Task<FakeFalServer> StartAsync()
    {
        var app = LoopbackApp.Create();
        var server = new FakeFalServer(app);
        app.MapGet("/files/{name}", (string name) =>
            server.files.TryGetValue(name, out var file) ? Results.Bytes(file.Bytes, file.ContentType) : Results.NotFound());
        app.Map("/{**path}", server.HandleAsync);
        server.BaseUrl = await LoopbackApp.StartAsync(app);
        return server;
    }

    /// <summary>The script of <paramref name="appId"/> (owner/app[/sub]), created on first use.</summary>
    public FalScript Script(string appId) => scripts.GetOrAdd(appId, id => new FalScript(id));

    /// <summary>
    /// Every request received for <paramref name="appId"/> in arrival order. Status/result/cancel calls count for the
    /// app the job was submitted to; calls for unknown request ids count for their owner/alias path.
    /// </summary>
    public IReadOnlyList<FalCall> Calls(string appId)
    {
        if (!calls.TryGetValue(appId, out var list))
        {
            return [];
        }

        lock (list)
        {
            return [.. list];
        }
    }

    public int SubmitCount(string appId) => Calls(appId).Count(c => c.Kind == "submit");

    public int CancelCount(string appId) => Calls(appId).Count(c => c.Kind == "cancel");

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

    /// <summary>owner/alias, or namespace/owner/alias for the workflows and comfy namespaces.</summary>
    internal static string AliasPrefix(string appId)
    {
        var segments = appId.Split('/');
        var count = segments[0] is "workflows" or "comfy" ? 3 : 2;
        return string.Join('/', segments.Take(count));
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var segments = (request.Path.Value ?? string.Empty).Trim('/').Split('/');
        var at = Array.IndexOf(segments, "requests");
        string kind;
        string appId;
        FakeFalJob? job = null;
        string? id = null;
        if (at >= 2 && at + 1 < segments.Length)
        {
            var prefix = string.Join('/', segments[..at]);
            id = segments[at + 1];
            var rest = string.Join('/', segments[(at + 2)..]);
            kind = (request.Method, rest) switch
            {
                ("GET", "status") => "status",
                ("GET", "") => "result",
                ("PUT", "cancel") => "cancel",
                _ => "other",
            };
            jobs.TryGetValue(id, out job);
            if (job is not null && job.AliasPrefix != prefix)
            {
                // Real fal addresses requests by owner/alias only: the full app path does not find the job.
                job = null;
            }

            appId = job?.AppId ?? prefix;
        }
        else
        {
            appId = string.Join('/', segments);
            kind = request.Method == "POST" && segments.Length >= 2 ? "submit" : "other";
        }

        Record(appId, new FalCall(kind, request.Method, request.Path + request.QueryString, Headers(request), body, DateTimeOffset.UtcNow));

        if (request.Headers.Authorization.ToString() != "Key " + ApiKey)
        {
            await Json(context, 401, new JsonObject { ["detail"] = "Invalid or missing credentials" });
            return;
        }

        switch (kind)
        {
            case "submit":
                await SubmitAsync(context, appId, body);
                break;
            case "status" when job is not null:
                await StatusAsync(context, job);
                break;
            case "result" when job is not null:
                await ResultAsync(context, job);
                break;
            case "cancel" when job is not null:
                await CancelAsync(context, job);
                break;
            case "cancel":
                await Json(context, 404, new JsonObject { ["status"] = "NOT_FOUND", ["detail"] = "Request not found" });
                break;
            default:
                await Json(context, 404, new JsonObject { ["detail"] = id is null ? "Not found" : "Request not found" });
                break;
        }
    }

    private async Task SubmitAsync(HttpContext context, string appId, string body)
    {
        var plan = Script(appId).NextPlan();
        switch (plan.Kind)
        {
            case FalPlanKind.SubmitFails:
                await Raw(context, plan.FailureStatus, plan.FailureBody, plan.FailureHeaders);
                return;
            case FalPlanKind.SubmitHangs:
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

        JsonNode? input = null;
        try
        {
            input = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            // Answered below like fal: the input must be a JSON object.
        }

        if (input is not JsonObject)
        {
            await Json(context, 422, new JsonObject
            {
                ["detail"] = new JsonArray(new JsonObject { ["loc"] = new JsonArray("body"), ["msg"] = "Input should be a valid dictionary", ["type"] = "dict_type" }),
            });
            return;
        }

        var id = Guid.NewGuid().ToString();
        var prefix = AliasPrefix(appId);
        var job = new FakeFalJob(id, appId, prefix, plan, Script(appId));
        jobs[id] = job;
        var urls = new Uri(plan.UrlsBase ?? BaseUrl, $"{prefix}/requests/{id}");
        await Json(context, 200, new JsonObject
        {
            ["status"] = "IN_QUEUE",
            ["request_id"] = id,
            ["response_url"] = urls.AbsoluteUri,
            ["status_url"] = urls.AbsoluteUri + "/status",
            ["cancel_url"] = urls.AbsoluteUri + "/cancel",
            ["queue_position"] = plan.QueuePolls,
        }, id);
    }

    private async Task StatusAsync(HttpContext context, FakeFalJob job)
    {
        var withLogs = context.Request.Query["logs"] == "1";
        JsonObject answer;
        int status;
        lock (job.Gate)
        {
            var plan = job.Plan;
            answer = new JsonObject { ["request_id"] = job.Id, ["response_url"] = new Uri(BaseUrl, $"{job.AliasPrefix}/requests/{job.Id}").AbsoluteUri };
            if (job.Cancelled)
            {
                job.Completed = true;
                status = 200;
                answer["status"] = "COMPLETED";
                answer["error"] = "Request was cancelled";
            }
            else
            {
                var poll = ++job.Polls;
                var progress = poll - plan.QueuePolls;
                if (progress <= 0)
                {
                    status = 202;
                    answer["status"] = "IN_QUEUE";
                    answer["queue_position"] = -progress;
                }
                else if (plan.Kind == FalPlanKind.Hangs || progress <= plan.ProgressPolls || (plan.Hold && !job.Script.IsReleased))
                {
                    status = 202;
                    answer["status"] = "IN_PROGRESS";
                    if (withLogs)
                    {
                        answer["logs"] = Logs(plan, Math.Min(progress, plan.ProgressPolls), done: false);
                    }
                }
                else
                {
                    job.Completed = true;
                    status = 200;
                    answer["status"] = "COMPLETED";
                    answer["metrics"] = new JsonObject { ["inference_time"] = 0.42 };
                    if (withLogs)
                    {
                        answer["logs"] = Logs(plan, plan.ProgressPolls, done: true);
                    }
                }
            }
        }

        await Json(context, status, answer, job.Id);
    }

    private async Task ResultAsync(HttpContext context, FakeFalJob job)
    {
        JsonNode? result;
        lock (job.Gate)
        {
            if (job.Cancelled)
            {
                result = null;
            }
            else if (!job.Completed)
            {
                result = new JsonObject { ["detail"] = "Request is still in progress" };
            }
            else
            {
                job.Result ??= job.Plan.Result == FalResultKind.Failure ? null : BuildResult(job.Plan);
                result = job.Result;
            }
        }

        if (job.Cancelled)
        {
            await Json(context, 400, new JsonObject { ["detail"] = "Request was cancelled" }, job.Id);
        }
        else if (!job.Completed)
        {
            await Json(context, 400, result!.AsObject(), job.Id);
        }
        else if (job.Plan.Result == FalResultKind.Failure)
        {
            await Raw(context, job.Plan.FailureStatus, job.Plan.FailureBody, [.. job.Plan.FailureHeaders, ("x-fal-request-id", job.Id)]);
        }
        else
        {
            await Raw(context, 200, result!.ToJsonString(), [("x-fal-request-id", job.Id)]);
        }
    }

    private static async Task CancelAsync(HttpContext context, FakeFalJob job)
    {
        bool accepted;
        lock (job.Gate)
        {
            accepted = !job.Completed && !job.Cancelled;
            job.Cancelled |= accepted;
        }

        await (accepted
            ? Json(context, 202, new JsonObject { ["status"] = "CANCELLATION_REQUESTED" }, job.Id)
            : Json(context, 400, new JsonObject { ["status"] = "ALREADY_COMPLETED" }, job.Id));
    }

    private JsonNode BuildResult(FalJobPlan plan)
    {
        switch (plan.Result)
        {
            case FalResultKind.Video:
            {
                var name = Guid.NewGuid().ToString("N") + ".mp4";
                return new JsonObject { ["video"] = new JsonObject { ["url"] = Serve(name, Mp4, "video/mp4").AbsoluteUri, ["content_type"] = "video/mp4", ["file_name"] = name, ["file_size"] = Mp4.Length } };
            }

            case FalResultKind.Json:
            {
                var parts = plan.ResultJson!.Split("{file}");
                var text = new StringBuilder(parts[0]);
                foreach (var part in parts.Skip(1))
                {
                    text.Append(ServePng(plan.Width, plan.Height).Url.AbsoluteUri).Append(part);
                }

                return JsonNode.Parse(text.ToString())!;
            }

            default:
            {
                var images = new JsonArray();
                for (var i = 0; i < plan.Images; i++)
                {
                    var (url, name, size) = ServePng(plan.Width, plan.Height);
                    images.Add(new JsonObject { ["url"] = url.AbsoluteUri, ["width"] = plan.Width, ["height"] = plan.Height, ["content_type"] = "image/png", ["file_name"] = name, ["file_size"] = size });
                }

                return new JsonObject
                {
                    ["images"] = images,
                    ["seed"] = 42,
                    ["has_nsfw_concepts"] = new JsonArray([.. Enumerable.Range(0, plan.Images).Select(_ => (JsonNode?)JsonValue.Create(false))]),
                    ["timings"] = new JsonObject { ["inference"] = 0.42 },
                };
            }
        }
    }

    private (Uri Url, string Name, int Size) ServePng(int width, int height)
    {
        var name = Guid.NewGuid().ToString("N") + ".png";
        var png = TestImages.SplitPng(width, height);
        return (Serve(name, png, "image/png"), name, png.Length);
    }

    private Uri Serve(string name, byte[] bytes, string contentType)
    {
        files[name] = (bytes, contentType);
        return new Uri(BaseUrl, "files/" + name);
    }

    private static JsonArray Logs(FalJobPlan plan, int progressPolls, bool done)
    {
        var logs = new JsonArray(Entry("Starting"));
        for (var k = 1; k <= progressPolls; k++)
        {
            logs.Add(Entry(string.Create(CultureInfo.InvariantCulture, $"Generating {k * 100 / (plan.ProgressPolls + 1)}%")));
        }

        if (done)
        {
            logs.Add(Entry("Done"));
        }

        return logs;

        static JsonObject Entry(string message) => new()
        {
            ["message"] = message,
            ["level"] = "INFO",
            ["source"] = "user",
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
    }

    private void Record(string appId, FalCall call)
    {
        var list = calls.GetOrAdd(appId, _ => []);
        lock (list)
        {
            list.Add(call);
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

    private static Task Json(HttpContext context, int status, JsonObject body, string? requestId = null) =>
        Raw(context, status, body.ToJsonString(), requestId is null ? [] : [("x-fal-request-id", requestId)]);

    private static async Task Raw(HttpContext context, int status, string body, IEnumerable<(string Name, string Value)> headers)
    {
        var response = context.Response;
        response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            response.Headers.Append(name, value);
        }

        response.ContentType = body.TrimStart().StartsWith('{') || body.TrimStart().StartsWith('[') ? "application/json" : "text/plain; charset=utf-8";
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
}
