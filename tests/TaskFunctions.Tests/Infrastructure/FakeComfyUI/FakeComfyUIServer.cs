using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace TaskFunctions.Tests.Infrastructure.FakeComfyUI;

/// <summary>
/// A loopback ComfyUI server (Kestrel on 127.0.0.1, port 0) speaking the protocol of provider-protocols.md:
/// <c>POST /upload/image</c> (multipart <c>image</c>, <c>type</c>, <c>subfolder</c>, <c>overwrite</c>),
/// <c>POST /prompt</c> with node validation, <c>GET /history/{id}</c>, <c>GET /queue</c>, <c>POST /queue {"delete":[…]}</c>,
/// <c>POST /interrupt</c> and <c>GET /view</c> serving real PNGs (and a minimal MP4).
/// <para>
/// Validation knows a small set of class types (<see cref="KnownClassTypes"/>, with their required inputs): an unknown
/// class answers 400 <c>invalid_prompt</c>, a graph without an output node 400 <c>prompt_no_outputs</c>, a missing
/// required input, a link to a missing node or a LoadImage whose image was not uploaded 400
/// <c>prompt_outputs_failed_validation</c> with ComfyUI's <c>node_errors</c> body.
/// </para>
/// <para>
/// Scripting: a graph is <em>marked</em> when one of its nodes has <c>_meta.title</c> <c>"fake:{marker}"</c>; its prompts
/// take their plans from <see cref="Script(string)"/>, unmarked graphs from <see cref="DefaultScript"/> (a FIFO whose last
/// plan repeats; no plan = <see cref="ComfyPlan.Succeeds"/>). Progress advances with each <c>GET /history/{id}</c>.
/// </para>
/// <para>
/// Outputs: each SaveImage (type <c>output</c>) / PreviewImage (type <c>temp</c>) node yields <see cref="ComfyPlan.Images"/>
/// PNGs: the uploaded image its <c>images</c> input traces back to (through ImageScaleBy <c>scale_by</c> and ImageScale
/// <c>width</c>/<c>height</c> on the way), else a grey image of the EmptyLatentImage's size upstream, else the plan's size.
/// A VHS_VideoCombine node yields <c>gifs:[{filename:"….mp4", format:"video/h264-mp4"}]</c>.
/// </para>
/// With a bearer token every request must carry <c>Authorization: Bearer {token}</c> (401 otherwise).
/// </summary>
public sealed class FakeComfyUIServer : IAsyncDisposable
{
    /// <summary>The title prefix that marks a graph: a node titled <c>fake:abc</c> selects <c>Script("abc")</c>.</summary>
    public const string MarkerPrefix = "fake:";

    /// <summary>The class types the fake accepts, with their required inputs; output nodes are SaveImage, PreviewImage and VHS_VideoCombine.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> KnownClassTypes = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["CheckpointLoaderSimple"] = ["ckpt_name"],
        ["CLIPTextEncode"] = ["text", "clip"],
        ["EmptyLatentImage"] = ["width", "height", "batch_size"],
        ["KSampler"] = ["model", "seed", "steps", "cfg", "sampler_name", "scheduler", "positive", "negative", "latent_image", "denoise"],
        ["VAEDecode"] = ["samples", "vae"],
        ["VAEEncode"] = ["pixels", "vae"],
        ["LoadImage"] = ["image"],
        ["ImageScaleBy"] = ["image", "upscale_method", "scale_by"],
        ["ImageScale"] = ["image", "upscale_method", "width", "height", "crop"],
        ["UpscaleModelLoader"] = ["model_name"],
        ["ImageUpscaleWithModel"] = ["upscale_model", "image"],
        ["SaveImage"] = ["images"],
        ["PreviewImage"] = ["images"],
        ["VHS_VideoCombine"] = ["images", "frame_rate"],
    };

    private static readonly HashSet<string> OutputClasses = new(StringComparer.Ordinal) { "SaveImage", "PreviewImage", "VHS_VideoCombine" };
    private static readonly byte[] Mp4 = CreateMp4();

    private readonly WebApplication app;
    private readonly object gate = new();
    private readonly ConcurrentDictionary<string, ComfyScript> scripts = new(StringComparer.Ordinal);
    private readonly List<ComfyCall> calls = [];
    private readonly List<JsonObject> graphs = [];
    private readonly Dictionary<string, FakePrompt> prompts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> files = new(StringComparer.Ordinal);
    private int number;
    private int saved;

    private FakeComfyUIServer(WebApplication app, string? bearerToken)
    {
        this.app = app;
        BearerToken = bearerToken;
        DefaultScript = new ComfyScript(null);
    }

    /// <summary>"http://127.0.0.1:{port}/".</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>"127.0.0.1:{port}".</summary>
    public string HostPort => $"{BaseUrl.Host}:{BaseUrl.Port}";

    /// <summary>The token every request must carry as <c>Authorization: Bearer …</c>; null: no auth (like a plain ComfyUI).</summary>
    public string? BearerToken { get; }

    /// <summary>The plans of unmarked graphs.</summary>
    public ComfyScript DefaultScript { get; }

    /// <summary>Every request received, in arrival order.</summary>
    public IReadOnlyList<ComfyCall> Calls
    {
        get
        {
            lock (gate)
            {
                return [.. calls];
            }
        }
    }

    /// <summary>Every graph accepted or refused by <c>POST /prompt</c>, as received (after the client's injection and uploads).</summary>
    public IReadOnlyList<JsonObject> SubmittedGraphs
    {
        get
        {
            lock (gate)
            {
                return [.. graphs.Select(g => (JsonObject)g.DeepClone())];
            }
        }
    }

    /// <summary>The last graph received by <c>POST /prompt</c>, or null.</summary>
    public JsonObject? LastSubmittedGraph
    {
        get
        {
            lock (gate)
            {
                return graphs.Count == 0 ? null : (JsonObject)graphs[^1].DeepClone();
            }
        }
    }

    /// <summary>Starts a fake; with <paramref name="bearerToken"/> every request must carry it.</summary>
    public static async Task<FakeComfyUIServer> StartAsync(string? bearerToken = null)
    {
        var app = LoopbackApp.Create();
        var server = new FakeComfyUIServer(app, bearerToken);
        app.Map("/{**path}", server.HandleAsync);
        server.BaseUrl = await LoopbackApp.StartAsync(app);
        return server;
    }

    /// <summary>The script of graphs marked <paramref name="marker"/> (a node titled <c>fake:{marker}</c>), created on first use.</summary>
    public ComfyScript Script(string marker) => scripts.GetOrAdd(marker, m => new ComfyScript(m));

    /// <summary>A fresh marker, "m{guid}", and the node title that selects it.</summary>
    public static (string Marker, string Title) NewMarker()
    {
        var marker = "m" + Guid.NewGuid().ToString("N");
        return (marker, MarkerPrefix + marker);
    }

    /// <summary>Puts a marker on <paramref name="graph"/>: sets <c>_meta.title</c> of node <paramref name="nodeId"/> (default: the first output node) to <c>fake:{marker}</c>.</summary>
    public static JsonObject Mark(JsonObject graph, string marker, string? nodeId = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var id = nodeId ?? graph.First(p => OutputClasses.Contains(p.Value?["class_type"]?.GetValue<string>() ?? string.Empty)).Key;
        var node = graph[id]!.AsObject();
        node["_meta"] = new JsonObject { ["title"] = MarkerPrefix + marker };
        return graph;
    }

    /// <summary>The calls concerning prompts of <paramref name="marker"/> (prompt, history and view calls of its prompts).</summary>
    public IReadOnlyList<ComfyCall> CallsFor(string marker) => [.. Calls.Where(c => c.Marker == marker)];

    /// <summary>The graphs received for <paramref name="marker"/>, in arrival order.</summary>
    public IReadOnlyList<JsonObject> SubmittedGraphsFor(string marker) => [.. SubmittedGraphs.Where(g => MarkerOf(g) == marker)];

    /// <summary>The bytes of an uploaded input file ("name" or "subfolder/name"), or null.</summary>
    public byte[]? UploadedFile(string name)
    {
        lock (gate)
        {
            return files.TryGetValue(Key("input", name), out var bytes) ? bytes : null;
        }
    }

    /// <summary>Where a prompt stands: "pending", "running", "success", "error", "interrupted", "deleted"; null when unknown.</summary>
    public string? PromptState(string promptId)
    {
        lock (gate)
        {
            return prompts.TryGetValue(promptId, out var prompt) ? prompt.Phase(Observed(prompt)) : null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await app.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Nothing is held open; the app is disposed below.
        }

        await app.DisposeAsync();
    }

    private static string? MarkerOf(JsonObject graph)
    {
        foreach (var (_, node) in graph)
        {
            if (node is JsonObject obj && obj["_meta"] is JsonObject meta && meta["title"] is JsonValue title
                && title.TryGetValue<string>(out var text) && text.StartsWith(MarkerPrefix, StringComparison.Ordinal))
            {
                return text[MarkerPrefix.Length..];
            }
        }

        return null;
    }

    private static int Observed(FakePrompt prompt) => Math.Max(prompt.Polls - 1, 0);

    private static string Key(string type, string name) => type + "|" + name;

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = (request.Path.Value ?? string.Empty).Trim('/');
        var kind = (request.Method, path) switch
        {
            ("POST", "upload/image") => "upload",
            ("POST", "prompt") => "prompt",
            ("GET", "queue") => "queue",
            ("POST", "queue") => "delete",
            ("POST", "interrupt") => "interrupt",
            ("GET", "view") => "view",
            ("GET", _) when path.StartsWith("history/", StringComparison.Ordinal) => "history",
            _ => "other",
        };

        string body;
        IFormCollection? form = null;
        if (kind == "upload" && request.HasFormContentType)
        {
            form = await request.ReadFormAsync(context.RequestAborted);
            var file = form.Files.GetFile("image");
            body = $"multipart: image={file?.FileName} ({file?.Length ?? 0} bytes), type={form["type"]}, subfolder={form["subfolder"]}, overwrite={form["overwrite"]}";
        }
        else
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var promptId = kind == "history" ? path["history/".Length..] : null;
        string? marker = null;
        lock (gate)
        {
            if (promptId is not null && prompts.TryGetValue(promptId, out var known))
            {
                marker = known.Marker;
            }
        }

        var call = new ComfyCall(kind, request.Method, request.Path + request.QueryString, Headers(request), body, promptId, marker, DateTimeOffset.UtcNow);
        var index = Record(call);

        if (BearerToken is not null && request.Headers.Authorization.ToString() != "Bearer " + BearerToken)
        {
            await Text(context, 401, "401: Unauthorized");
            return;
        }

        switch (kind)
        {
            case "upload":
                await UploadAsync(context, form);
                break;
            case "prompt":
                await PromptAsync(context, body, index);
                break;
            case "history":
                await HistoryAsync(context, promptId!);
                break;
            case "queue":
                await Json(context, 200, QueueJson());
                break;
            case "delete":
                Delete(body);
                await Json(context, 200, []);
                break;
            case "interrupt":
                Interrupt(body);
                await Json(context, 200, []);
                break;
            case "view":
                await ViewAsync(context, index);
                break;
            default:
                await Text(context, 404, "404: Not Found");
                break;
        }
    }

    private int Record(ComfyCall call)
    {
        lock (gate)
        {
            calls.Add(call);
            return calls.Count - 1;
        }
    }

    private void Retag(int index, string? promptId, string? marker)
    {
        lock (gate)
        {
            calls[index] = calls[index] with { PromptId = promptId, Marker = marker };
        }
    }

    private async Task UploadAsync(HttpContext context, IFormCollection? form)
    {
        var file = form?.Files.GetFile("image");
        if (file is null)
        {
            await Text(context, 400, "400: Bad Request");
            return;
        }

        var type = form!["type"].ToString() is { Length: > 0 } t ? t : "input";
        var subfolder = form["subfolder"].ToString();
        var overwrite = string.Equals(form["overwrite"].ToString(), "true", StringComparison.OrdinalIgnoreCase) || form["overwrite"].ToString() == "1";
        using var copy = new MemoryStream();
        await file.CopyToAsync(copy, context.RequestAborted);
        var name = Path.GetFileName(file.FileName);
        lock (gate)
        {
            var candidate = name;
            for (var i = 1; !overwrite && files.ContainsKey(Key(type, Join(subfolder, candidate))); i++)
            {
                candidate = $"{Path.GetFileNameWithoutExtension(name)} ({i}){Path.GetExtension(name)}";
            }

            name = candidate;
            files[Key(type, Join(subfolder, name))] = copy.ToArray();
        }

        await Json(context, 200, new JsonObject { ["name"] = name, ["subfolder"] = subfolder, ["type"] = type });
    }

    private static string Join(string subfolder, string name) => subfolder.Length == 0 ? name : subfolder + "/" + name;

    private async Task PromptAsync(HttpContext context, string body, int callIndex)
    {
        JsonObject? graph = null;
        string? chosenId = null;
        try
        {
            var root = JsonNode.Parse(body) as JsonObject;
            graph = root?["prompt"] as JsonObject;

            // Like ComfyUI's server.py: a client-chosen prompt_id is used as given.
            chosenId = root?["prompt_id"] is JsonValue chosen && chosen.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
        }
        catch (System.Text.Json.JsonException)
        {
            // Answered below.
        }

        if (graph is null)
        {
            await Json(context, 400, Error("invalid_prompt", "Invalid prompt: no prompt object", string.Empty, new JsonArray()));
            return;
        }

        var marker = MarkerOf(graph);
        lock (gate)
        {
            graphs.Add((JsonObject)graph.DeepClone());
        }

        Retag(callIndex, null, marker);
        var script = marker is null ? DefaultScript : Script(marker);
        var plan = script.NextPlan();
        if (plan.Kind == ComfyPlanKind.PromptFails)
        {
            await Text(context, plan.Status, plan.Body);
            return;
        }

        if (Validate(graph) is { } refused)
        {
            await Json(context, 400, refused);
            return;
        }

        if (plan.Kind == ComfyPlanKind.RejectsNode)
        {
            var id = plan.NodeId ?? graph.First().Key;
            var nodeErrors = new JsonObject { [id] = NodeError(graph, id, "value_not_in_list", plan.Message, string.Empty) };
            await Json(context, 400, Error("prompt_outputs_failed_validation", "Prompt outputs failed validation", string.Empty, nodeErrors));
            return;
        }

        FakePrompt prompt;
        lock (gate)
        {
            prompt = new FakePrompt(chosenId ?? Guid.NewGuid().ToString(), ++number, marker, plan, script, graph);
            prompts[prompt.Id] = prompt;
        }

        Retag(callIndex, prompt.Id, marker);
        await Json(context, 200, new JsonObject { ["prompt_id"] = prompt.Id, ["number"] = prompt.Number, ["node_errors"] = new JsonObject() });
    }

    /// <summary>ComfyUI's validation, on the small set of known class types; null when the graph is accepted.</summary>
    private JsonObject? Validate(JsonObject graph)
    {
        foreach (var (id, node) in graph)
        {
            var classType = (node as JsonObject)?["class_type"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
            if (classType is null)
            {
                return Error("invalid_prompt", "Cannot execute because a node is missing the class_type property.", $"Node ID '#{id}'", new JsonArray());
            }

            if (!KnownClassTypes.ContainsKey(classType))
            {
                return Error("invalid_prompt", $"Cannot execute because node {classType} does not exist.", $"Node ID '#{id}'", new JsonArray());
            }
        }

        if (!graph.Any(p => OutputClasses.Contains(ClassOf(p.Value))))
        {
            return Error("prompt_no_outputs", "Prompt has no outputs", string.Empty, new JsonArray());
        }

        var nodeErrors = new JsonObject();
        foreach (var (id, node) in graph)
        {
            var classType = ClassOf(node);
            var inputs = node!["inputs"] as JsonObject ?? [];
            foreach (var required in KnownClassTypes[classType])
            {
                if (inputs[required] is null)
                {
                    nodeErrors[id] = NodeError(graph, id, "required_input_missing", "Required input is missing", required);
                    break;
                }

                if (inputs[required] is JsonArray { Count: 2 } link && link[0]?.ToString() is { } target && graph[target] is null)
                {
                    nodeErrors[id] = NodeError(graph, id, "exception_during_inner_validation", "Exception when validating inner node", $"{required}: node {target} does not exist");
                    break;
                }
            }

            if (!nodeErrors.ContainsKey(id) && classType == "LoadImage" && inputs["image"] is JsonValue image && image.TryGetValue<string>(out var name))
            {
                bool uploaded;
                lock (gate)
                {
                    uploaded = files.ContainsKey(Key("input", name));
                }

                if (!uploaded)
                {
                    nodeErrors[id] = NodeError(graph, id, "custom_validation_failed", "Custom validation failed for node", $"image - Invalid image file: {name}");
                }
            }
        }

        return nodeErrors.Count == 0 ? null : Error("prompt_outputs_failed_validation", "Prompt outputs failed validation", string.Empty, nodeErrors);
    }

    private static JsonObject NodeError(JsonObject graph, string id, string type, string message, string details) => new()
    {
        ["errors"] = new JsonArray(new JsonObject
        {
            ["type"] = type,
            ["message"] = message,
            ["details"] = details,
            ["extra_info"] = new JsonObject(),
        }),
        ["dependent_outputs"] = new JsonArray([.. graph.Where(p => OutputClasses.Contains(ClassOf(p.Value))).Select(p => (JsonNode)p.Key)]),
        ["class_type"] = ClassOf(graph[id]),
    };

    private static JsonObject Error(string type, string message, string details, JsonNode nodeErrors) => new()
    {
        ["error"] = new JsonObject { ["type"] = type, ["message"] = message, ["details"] = details, ["extra_info"] = new JsonObject() },
        ["node_errors"] = nodeErrors,
    };

    private static string ClassOf(JsonNode? node) =>
        (node as JsonObject)?["class_type"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : string.Empty;

    private async Task HistoryAsync(HttpContext context, string id)
    {
        JsonObject answer = [];
        lock (gate)
        {
            if (prompts.TryGetValue(id, out var prompt))
            {
                prompt.Polls++;
                var phase = prompt.Phase(Observed(prompt));
                if (phase is "success" or "error" or "interrupted")
                {
                    prompt.History ??= BuildHistory(prompt, phase);
                    answer[id] = prompt.History.DeepClone();
                }
            }
        }

        await Json(context, 200, answer);
    }

    private JsonObject QueueJson()
    {
        var running = new JsonArray();
        var pending = new JsonArray();
        lock (gate)
        {
            foreach (var prompt in prompts.Values.OrderBy(p => p.Number))
            {
                var item = new JsonArray(prompt.Number, prompt.Id, prompt.Graph.DeepClone(), new JsonObject { ["client_id"] = "x" }, new JsonArray());
                switch (prompt.Phase(Observed(prompt)))
                {
                    case "running":
                        running.Add(item);
                        break;
                    case "pending":
                        pending.Add(item);
                        break;
                }
            }
        }

        return new JsonObject { ["queue_running"] = running, ["queue_pending"] = pending };
    }

    private void Delete(string body)
    {
        JsonNode? request = null;
        try
        {
            request = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return;
        }

        lock (gate)
        {
            var ids = request?["clear"]?.GetValue<bool>() == true
                ? prompts.Keys.ToList()
                : (request?["delete"] as JsonArray ?? []).Select(n => n?.ToString()).OfType<string>().ToList();
            foreach (var id in ids)
            {
                if (prompts.TryGetValue(id, out var prompt) && prompt.Phase(Observed(prompt)) == "pending")
                {
                    prompt.Deleted = true;
                }
            }
        }
    }

    private void Interrupt(string body)
    {
        string? only = null;
        try
        {
            only = (JsonNode.Parse(body) as JsonObject)?["prompt_id"]?.ToString();
        }
        catch (System.Text.Json.JsonException)
        {
            // No body: interrupt whatever runs.
        }

        lock (gate)
        {
            foreach (var prompt in prompts.Values)
            {
                if ((only is null || prompt.Id == only) && prompt.Phase(Observed(prompt)) == "running")
                {
                    prompt.Interrupted = true;
                }
            }
        }
    }

    private async Task ViewAsync(HttpContext context, int callIndex)
    {
        var query = context.Request.Query;
        var name = Join(query["subfolder"].ToString(), query["filename"].ToString());
        var type = query["type"].ToString() is { Length: > 0 } t ? t : "output";
        byte[]? bytes;
        string? owner = null;
        lock (gate)
        {
            files.TryGetValue(Key(type, name), out bytes);
            owner = prompts.Values.FirstOrDefault(p => p.Files.Contains(Key(type, name)))?.Id;
        }

        if (owner is not null)
        {
            string? marker;
            lock (gate)
            {
                marker = prompts[owner].Marker;
            }

            Retag(callIndex, owner, marker);
        }

        if (bytes is null)
        {
            await Text(context, 404, "404: Not Found");
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = name.EndsWith(".mp4", StringComparison.OrdinalIgnoreCase) ? "video/mp4" : "image/png";
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    /// <summary>The history entry of a finished prompt; success registers its output files for /view. Called under the lock.</summary>
    private JsonObject BuildHistory(FakePrompt prompt, string phase)
    {
        var messages = new JsonArray(new JsonArray("execution_start", new JsonObject { ["prompt_id"] = prompt.Id }));
        var outputs = new JsonObject();
        string statusText;
        if (phase == "interrupted")
        {
            statusText = "error";
            messages.Add(new JsonArray("execution_interrupted", new JsonObject { ["prompt_id"] = prompt.Id, ["node_id"] = prompt.Graph.First().Key }));
        }
        else if (phase == "error")
        {
            statusText = "error";
            var node = prompt.Plan.NodeId ?? prompt.Graph.First(p => OutputClasses.Contains(ClassOf(p.Value))).Key;
            messages.Add(new JsonArray("execution_error", new JsonObject
            {
                ["prompt_id"] = prompt.Id,
                ["node_id"] = node,
                ["node_type"] = ClassOf(prompt.Graph[node]),
                ["executed"] = new JsonArray(),
                ["exception_message"] = prompt.Plan.Message,
                ["exception_type"] = prompt.Plan.ExceptionType,
                ["traceback"] = new JsonArray("Traceback (most recent call last):"),
            }));
        }
        else
        {
            statusText = "success";
            foreach (var (id, node) in prompt.Graph)
            {
                var classType = ClassOf(node);
                if (!OutputClasses.Contains(classType))
                {
                    continue;
                }

                var items = new JsonArray();
                for (var i = 0; i < prompt.Plan.Images; i++)
                {
                    var n = ++saved;
                    if (classType == "VHS_VideoCombine")
                    {
                        var video = string.Create(CultureInfo.InvariantCulture, $"AnimateDiff_{n:D5}.mp4");
                        Register(prompt, "output", video, Mp4);
                        items.Add(new JsonObject { ["filename"] = video, ["subfolder"] = string.Empty, ["type"] = "output", ["format"] = "video/h264-mp4" });
                        continue;
                    }

                    var type = classType == "SaveImage" ? "output" : "temp";
                    var file = string.Create(CultureInfo.InvariantCulture, $"ComfyUI_{n:D5}_.png");
                    Register(prompt, type, file, RenderImage(prompt, id));
                    items.Add(new JsonObject { ["filename"] = file, ["subfolder"] = string.Empty, ["type"] = type });
                }

                outputs[id] = new JsonObject { [classType == "VHS_VideoCombine" ? "gifs" : "images"] = items };
            }

            messages.Add(new JsonArray("execution_success", new JsonObject { ["prompt_id"] = prompt.Id }));
        }

        return new JsonObject
        {
            ["prompt"] = new JsonArray(prompt.Number, prompt.Id, prompt.Graph.DeepClone(), new JsonObject(), new JsonArray()),
            ["outputs"] = outputs,
            ["status"] = new JsonObject { ["status_str"] = statusText, ["completed"] = statusText == "success", ["messages"] = messages },
            ["meta"] = new JsonObject(),
        };
    }

    private void Register(FakePrompt prompt, string type, string name, byte[] bytes)
    {
        files[Key(type, name)] = bytes;
        prompt.Files.Add(Key(type, name));
    }

    /// <summary>The PNG an output node saves: its traced input image (scaled on the way), else a grey image. Called under the lock.</summary>
    private byte[] RenderImage(FakePrompt prompt, string outputNode)
    {
        double scale = 1;
        int? width = null, height = null;
        byte[]? source = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>([outputNode]);
        while (queue.Count > 0)
        {
            var id = queue.Dequeue();
            if (!seen.Add(id) || prompt.Graph[id] is not JsonObject node)
            {
                continue;
            }

            var inputs = node["inputs"] as JsonObject ?? [];
            switch (ClassOf(node))
            {
                case "LoadImage" when source is null && inputs["image"]?.ToString() is { } name:
                    files.TryGetValue(Key("input", name), out source);
                    break;
                case "ImageScaleBy" when Number(inputs["scale_by"]) is { } by:
                    scale *= by;
                    break;
                case "ImageScale" when width is null && Number(inputs["width"]) is { } w && Number(inputs["height"]) is { } h:
                    (width, height) = ((int)w, (int)h);
                    break;
                case "EmptyLatentImage" when width is null && Number(inputs["width"]) is { } w && Number(inputs["height"]) is { } h:
                    (width, height) = ((int)w, (int)h);
                    break;
            }

            foreach (var (_, value) in inputs)
            {
                if (value is JsonArray { Count: 2 } link && link[0]?.ToString() is { } upstream)
                {
                    queue.Enqueue(upstream);
                }
            }
        }

        using var image = source is not null ? Image.Load<Rgba32>(source) : new Image<Rgba32>(width ?? prompt.Plan.Width, height ?? prompt.Plan.Height, new Rgba32(128, 128, 128, 255));
        var (targetWidth, targetHeight) = source is not null && width is { } tw && height is { } th
            ? (tw, th)
            : ((int)Math.Round(image.Width * scale), (int)Math.Round(image.Height * scale));
        targetWidth = Math.Clamp(targetWidth, 1, 4096);
        targetHeight = Math.Clamp(targetHeight, 1, 4096);
        if (targetWidth != image.Width || targetHeight != image.Height)
        {
            image.Mutate(x => x.Resize(targetWidth, targetHeight));
        }

        using var output = new MemoryStream();
        image.SaveAsPng(output);
        return output.ToArray();
    }

    private static double? Number(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<double>(out var number) && double.IsFinite(number) && number > 0 ? number : null;

    private static Dictionary<string, string> Headers(HttpRequest request)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(", ", values.ToArray());
        }

        return headers;
    }

    private static async Task Json(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private static async Task Text(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

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

    /// <summary>One queued prompt and its progress (guarded by the server's lock).</summary>
    private sealed class FakePrompt(string id, int number, string? marker, ComfyPlan plan, ComfyScript script, JsonObject graph)
    {
        public string Id { get; } = id;

        public int Number { get; } = number;

        public string? Marker { get; } = marker;

        public ComfyPlan Plan { get; } = plan;

        public JsonObject Graph { get; } = graph;

        /// <summary>History polls received.</summary>
        public int Polls { get; set; }

        public bool Deleted { get; set; }

        public bool Interrupted { get; set; }

        public JsonObject? History { get; set; }

        public HashSet<string> Files { get; } = new(StringComparer.Ordinal);

        /// <summary>The phase after <paramref name="polls"/> history polls were taken into account.</summary>
        public string Phase(int polls)
        {
            if (History is not null)
            {
                return Interrupted ? "interrupted" : Plan.Kind == ComfyPlanKind.Fails ? "error" : "success";
            }

            if (Deleted)
            {
                return "deleted";
            }

            if (Interrupted)
            {
                return "interrupted";
            }

            if (polls < Plan.PendingPolls)
            {
                return "pending";
            }

            if (polls < Plan.PendingPolls + Plan.RunningPolls || (Plan.Hold && !script.IsReleased))
            {
                return "running";
            }

            return Plan.Kind == ComfyPlanKind.Fails ? "error" : "success";
        }
    }
}
