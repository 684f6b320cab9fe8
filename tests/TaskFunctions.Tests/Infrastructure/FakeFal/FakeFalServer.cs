using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace TaskFunctions.Tests.Infrastructure.FakeFal;

/// <summary>
/// A loopback fal.ai queue API (Kestrel on 127.0.0.1, port 0) speaking the protocol of provider-protocols.md:
/// <c>Authorization: Key</c> required, submit at <c>POST /{app id}</c>, status/result/cancel at
/// <c>/{owner}/{alias}/requests/{id}[/status|/cancel]</c>, result files served at <c>/files/{name}</c> (no key, like fal's CDN).
/// Behaviour is scripted per app id (<see cref="Script"/>) so parallel tests never collide.
/// A cancelled job answers status COMPLETED with <c>error: "Request was cancelled"</c>; its result answers
/// 400 <c>{"detail":"Request was cancelled"}</c>.
/// Image plans (cut-out, echo, noise) build their result from the submitted <c>image_url</c> (a data URI, a file served
/// here, or a fetched URL) on the first result GET; every submitted input is kept (<see cref="SubmittedInputs"/>).
/// </summary>
public sealed class FakeFalServer : IAsyncDisposable
{
    private static readonly byte[] Mp4 = CreateMp4();

    /// <summary>What a CDN error page looks like when served under a video URL.</summary>
    private static readonly byte[] NotAnMp4 = "<!DOCTYPE html><html><head><title>404</title></head><body>Not found</body></html>"u8.ToArray();

    private static readonly HttpClient Fetcher = new();

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

    /// <summary>
    /// A fresh script for <paramref name="appId"/> in place of any earlier one (its plans, position and release), for
    /// apps that several tests script in turn, such as the configured default apps. Jobs already submitted keep their plans.
    /// </summary>
    public FalScript NewScript(string appId)
    {
        var script = new FalScript(appId);
        scripts[appId] = script;
        return script;
    }

    /// <summary>
    /// The bytes behind an image URL as a fal app would load it: a data URI, a file this server serves, or any other
    /// http(s) URL (fetched). Null when there is nothing to load.
    /// </summary>
    public async Task<byte[]?> ImageBytesAsync(string? imageUrl, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(imageUrl))
        {
            return null;
        }

        if (imageUrl.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = imageUrl.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || !imageUrl[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            try
            {
                return Convert.FromBase64String(imageUrl[(comma + 1)..]);
            }
            catch (FormatException)
            {
                return null;
            }
        }

        if (!Uri.TryCreate(imageUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }

        var filesRoot = new Uri(BaseUrl, "files/").AbsoluteUri;
        if (url.AbsoluteUri.StartsWith(filesRoot, StringComparison.Ordinal))
        {
            return files.TryGetValue(url.AbsoluteUri[filesRoot.Length..], out var file) ? file.Bytes : null;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await Fetcher.GetAsync(url, timeout.Token);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsByteArrayAsync(timeout.Token) : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The parsed inputs (request bodies) of every submit received for <paramref name="appId"/>, in arrival order.</summary>
    public IReadOnlyList<JsonObject> SubmittedInputs(string appId)
    {
        var inputs = new List<JsonObject>();
        foreach (var call in Calls(appId).Where(c => c.Kind == "submit"))
        {
            try
            {
                if (JsonNode.Parse(call.Body) is JsonObject input)
                {
                    inputs.Add(input);
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // Not a JSON object: fal refused it, so it is no input.
            }
        }

        return inputs;
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
        var script = Script(appId);
        var plan = script.NextPlan();
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
        var job = new FakeFalJob(id, appId, prefix, plan, script, (JsonObject)input);
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
                var progress = plan.RunTime is { } runTime
                    ? (DateTimeOffset.UtcNow - job.SubmittedAt < runTime ? 1 : plan.ProgressPolls + 1)
                    : poll - plan.QueuePolls;
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
        bool cancelled;
        bool completed;
        (int Status, string Body)? built;
        lock (job.Gate)
        {
            (cancelled, completed, built) = (job.Cancelled, job.Completed, job.Result);
        }

        if (cancelled)
        {
            await Json(context, 400, new JsonObject { ["detail"] = "Request was cancelled" }, job.Id);
            return;
        }

        if (!completed)
        {
            await Json(context, 400, new JsonObject { ["detail"] = "Request is still in progress" }, job.Id);
            return;
        }

        if (job.Plan.Result == FalResultKind.Failure)
        {
            await Raw(context, job.Plan.FailureStatus, job.Plan.FailureBody, [.. job.Plan.FailureHeaders, ("x-fal-request-id", job.Id)]);
            return;
        }

        if (built is null)
        {
            // Built outside the lock (it may decode and fetch images); the first build wins, so repeats answer alike.
            var result = await BuildResultAsync(job, context.RequestAborted);
            lock (job.Gate)
            {
                job.Result ??= result;
                built = job.Result;
            }
        }

        await Raw(context, built.Value.Status, built.Value.Body, [("x-fal-request-id", job.Id)]);
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

    private async Task<(int Status, string Body)> BuildResultAsync(FakeFalJob job, CancellationToken cancellationToken)
    {
        var plan = job.Plan;
        switch (plan.Result)
        {
            case FalResultKind.Video:
                return Ok(VideoResult(Mp4));

            case FalResultKind.FakeVideo:
                return Ok(VideoResult(NotAnMp4));

            case FalResultKind.Text:
            {
                var output = new JsonObject { ["output"] = plan.Text, ["partial"] = false, ["error"] = null };
                if (plan.PromptTokens is not null || plan.CompletionTokens is not null)
                {
                    output["usage"] = new JsonObject { ["prompt_tokens"] = plan.PromptTokens ?? 0, ["completion_tokens"] = plan.CompletionTokens ?? 0 };
                }

                return Ok(output);
            }

            case FalResultKind.Json:
            {
                var parts = plan.ResultJson!.Split("{file}");
                var text = new StringBuilder(parts[0]);
                foreach (var part in parts.Skip(1))
                {
                    text.Append(ServePng(plan.Width, plan.Height).Url.AbsoluteUri).Append(part);
                }

                return (200, text.ToString());
            }

            case FalResultKind.Cutout or FalResultKind.Echo or FalResultKind.EchoAtSize or FalResultKind.Noise:
            {
                var bytes = await ImageBytesAsync(job.Input["image_url"] is JsonValue value && value.TryGetValue<string>(out var url) ? url : null, cancellationToken);
                Image<Rgba32> source;
                try
                {
                    source = bytes is null ? throw new UnknownImageFormatException("no image") : Image.Load<Rgba32>(bytes);
                }
                catch (Exception ex) when (ex is UnknownImageFormatException or InvalidImageContentException or NotSupportedException)
                {
                    return Unprocessable("image_url", "Could not load the image from image_url", "image_load_error");
                }

                using (source)
                {
                    switch (plan.Result)
                    {
                        case FalResultKind.Cutout:
                            MakeLeftHalfTransparent(source);
                            return Ok(ImageResult(source));
                        case FalResultKind.Noise:
                        {
                            using var noise = Noise(source.Width, source.Height);
                            return Ok(ImageResult(noise));
                        }

                        case FalResultKind.EchoAtSize:
                            if (SizeOf(job.Input["image_size"]) is not { } size)
                            {
                                return Unprocessable("image_size", "Field required", "missing");
                            }

                            source.Mutate(x => x.Resize(size.Width, size.Height));
                            return Ok(ImageResult(source));
                        default:
                        {
                            var factor = plan.Scale ?? NumberOf(job.Input["upscale_factor"]);
                            var (width, height) = factor is { } f
                                ? (Math.Max(1, (int)Math.Round(source.Width * f)), Math.Max(1, (int)Math.Round(source.Height * f)))
                                : SizeOf(job.Input["image_size"]) ?? (source.Width, source.Height);
                            if ((width, height) != (source.Width, source.Height))
                            {
                                source.Mutate(x => x.Resize(width, height));
                            }

                            return Ok(ImageResult(source));
                        }
                    }
                }
            }

            default:
            {
                var images = new JsonArray();
                for (var i = 0; i < plan.Images; i++)
                {
                    var (url, name, size) = ServePng(plan.Width, plan.Height);
                    images.Add(new JsonObject { ["url"] = url.AbsoluteUri, ["width"] = plan.Width, ["height"] = plan.Height, ["content_type"] = "image/png", ["file_name"] = name, ["file_size"] = size });
                }

                return Ok(new JsonObject
                {
                    ["images"] = images,
                    ["seed"] = 42,
                    ["has_nsfw_concepts"] = new JsonArray([.. Enumerable.Range(0, plan.Images).Select(_ => (JsonNode?)JsonValue.Create(false))]),
                    ["timings"] = new JsonObject { ["inference"] = 0.42 },
                });
            }
        }

        static (int, string) Ok(JsonObject body) => (200, body.ToJsonString());

        static (int, string) Unprocessable(string field, string message, string type) => (422, new JsonObject
        {
            ["detail"] = new JsonArray(new JsonObject { ["loc"] = new JsonArray("body", field), ["msg"] = message, ["type"] = type }),
        }.ToJsonString());
    }

    private JsonObject VideoResult(byte[] bytes)
    {
        var name = Guid.NewGuid().ToString("N") + ".mp4";
        return new JsonObject { ["video"] = new JsonObject { ["url"] = Serve(name, bytes, "video/mp4").AbsoluteUri, ["content_type"] = "video/mp4", ["file_name"] = name, ["file_size"] = bytes.Length } };
    }

    /// <summary><c>{"image": {url, content_type, file_name, file_size, width, height}}</c> for <paramref name="image"/> served as an RGBA PNG.</summary>
    private JsonObject ImageResult(Image<Rgba32> image)
    {
        var name = Guid.NewGuid().ToString("N") + ".png";
        using var output = new MemoryStream();
        image.Save(output, new PngEncoder { ColorType = PngColorType.RgbWithAlpha, BitDepth = PngBitDepth.Bit8 });
        var png = output.ToArray();
        return new JsonObject
        {
            ["image"] = new JsonObject
            {
                ["url"] = Serve(name, png, "image/png").AbsoluteUri,
                ["content_type"] = "image/png",
                ["file_name"] = name,
                ["file_size"] = png.Length,
                ["width"] = image.Width,
                ["height"] = image.Height,
            },
        };
    }

    private static void MakeLeftHalfTransparent(Image<Rgba32> image)
    {
        var half = image.Width / 2;
        image.ProcessPixelRows(accessor =>
        {
            for (var y = 0; y < accessor.Height; y++)
            {
                var row = accessor.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                {
                    row[x] = x < half ? new Rgba32(0, 0, 0, 0) : new Rgba32(row[x].R, row[x].G, row[x].B, 255);
                }
            }
        });
    }

    private static Image<Rgba32> Noise(int width, int height)
    {
        var image = new Image<Rgba32>(width, height);
        var bytes = new byte[3];
        image.ProcessPixelRows(accessor =>
        {
            for (var y = 0; y < accessor.Height; y++)
            {
                var row = accessor.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                {
                    Random.Shared.NextBytes(bytes);
                    row[x] = new Rgba32(bytes[0], bytes[1], bytes[2], 255);
                }
            }
        });
        return image;
    }

    private static (int Width, int Height)? SizeOf(JsonNode? node) =>
        node is JsonObject size && NumberOf(size["width"]) is { } width && NumberOf(size["height"]) is { } height && width >= 1 && height >= 1
            ? ((int)Math.Round(width), (int)Math.Round(height))
            : null;

    private static double? NumberOf(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.Number ? value.GetValue<double>() : null;

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
