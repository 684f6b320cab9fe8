using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TaskFunctions.Tests.Infrastructure.FakeOpenAI;

/// <summary>
/// A loopback OpenAI-compatible API (Kestrel on 127.0.0.1, port 0) speaking the protocol of provider-protocols.md, in both
/// auth styles:
/// <list type="bullet">
/// <item>OpenAI: <c>POST /v1/chat/completions</c>, <c>/v1/images/generations</c> (JSON), <c>/v1/images/edits</c>
/// (multipart: <c>image</c>/<c>image[]</c> files, <c>prompt</c>, <c>size</c>, …) with <c>Authorization: Bearer {ApiKey}</c>;
/// the model is the body's <c>model</c>.</item>
/// <item>Azure: the same under <c>/openai/deployments/{deployment}/…?api-version=…</c> with <c>api-key: {ApiKey}</c>;
/// the model is the deployment.</item>
/// </list>
/// Behaviour is scripted per model (<see cref="Script"/>) so parallel tests never collide; every call is recorded
/// (<see cref="Calls"/>), multipart parts by name, file name, type and size. Answers carry <c>x-request-id</c>.
/// Bad requests are refused like the real API (400 with <c>param</c>): chat without <c>messages</c>, images without
/// <c>prompt</c>, an unsupported <c>size</c>, edits that are not multipart or carry no image.
/// </summary>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    /// <summary>The sizes the fake's image endpoints accept.</summary>
    public static readonly IReadOnlyList<string> Sizes = ["1024x1024", "1536x1024", "1024x1536", "auto"];

    private readonly WebApplication app;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<string, OpenAIScript> scripts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, List<OpenAICall>> calls = new(StringComparer.Ordinal);

    private FakeOpenAIServer(WebApplication app, string apiKey)
    {
        this.app = app;
        ApiKey = apiKey;
    }

    /// <summary>"http://127.0.0.1:{port}/v1/": <c>Providers:OpenAI:BaseUrl</c> in OpenAI mode.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>"http://127.0.0.1:{port}/": <c>Providers:OpenAI:BaseUrl</c> in Azure mode (the resource endpoint).</summary>
    public Uri AzureBaseUrl { get; private set; } = null!;

    /// <summary>"127.0.0.1:{port}".</summary>
    public string HostPort => $"{AzureBaseUrl.Host}:{AzureBaseUrl.Port}";

    /// <summary>The key every call must carry (as <c>Authorization: Bearer</c>, or <c>api-key</c> on Azure paths).</summary>
    public string ApiKey { get; }

    /// <summary>Starts a fake expecting <paramref name="apiKey"/> (default: a fresh random key).</summary>
    public static async Task<FakeOpenAIServer> StartAsync(string? apiKey = null)
    {
        var app = LoopbackApp.Create();
        var server = new FakeOpenAIServer(app, apiKey ?? "sk-fake-" + Guid.NewGuid().ToString("N"));
        app.Map("/{**path}", server.HandleAsync);
        server.AzureBaseUrl = await LoopbackApp.StartAsync(app);
        server.BaseUrl = new Uri(server.AzureBaseUrl, "v1/");
        return server;
    }

    /// <summary>The script of <paramref name="model"/> (Azure: deployment), created on first use.</summary>
    public OpenAIScript Script(string model) => scripts.GetOrAdd(model, m => new OpenAIScript(m));

    /// <summary>A fresh script for <paramref name="model"/> in place of any earlier one (for configured default models several tests share).</summary>
    public OpenAIScript NewScript(string model)
    {
        var script = new OpenAIScript(model);
        scripts[model] = script;
        return script;
    }

    /// <summary>Every request received for <paramref name="model"/> in arrival order; requests naming no model count under "".</summary>
    public IReadOnlyList<OpenAICall> Calls(string model)
    {
        if (!calls.TryGetValue(model, out var list))
        {
            return [];
        }

        lock (list)
        {
            return [.. list];
        }
    }

    /// <summary>Every request received, in no particular order across models.</summary>
    public IReadOnlyList<OpenAICall> AllCalls() => [.. calls.Keys.SelectMany(Calls).OrderBy(c => c.At)];

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

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var segments = (request.Path.Value ?? string.Empty).Trim('/').Split('/');
        var azure = segments.Length >= 4 && segments[0] == "openai" && segments[1] == "deployments";
        var operation = azure ? string.Join('/', segments[3..]) : segments[0] == "v1" ? string.Join('/', segments[1..]) : string.Empty;
        var kind = (request.Method, operation) switch
        {
            ("POST", "chat/completions") => "chat",
            ("POST", "images/generations") => "generations",
            ("POST", "images/edits") => "edits",
            _ => "other",
        };

        var body = string.Empty;
        JsonObject? json = null;
        var parts = new List<OpenAIPart>();
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(context.RequestAborted);
            json = [];
            foreach (var (name, values) in form)
            {
                foreach (var value in values)
                {
                    parts.Add(new OpenAIPart(name, null, null, value?.Length ?? 0, value));
                    json[name] = value;
                }
            }

            parts.AddRange(form.Files.Select(f => new OpenAIPart(f.Name, f.FileName, f.ContentType, f.Length, null)));
        }
        else
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            body = await reader.ReadToEndAsync(context.RequestAborted);
            try
            {
                json = JsonNode.Parse(body) as JsonObject;
            }
            catch (System.Text.Json.JsonException)
            {
                // Answered below: the body must be a JSON object.
            }
        }

        var model = azure ? segments[2] : json?["model"] is JsonValue m && m.TryGetValue<string>(out var named) ? named : null;
        Record(model ?? string.Empty, new OpenAICall(kind, request.Method, request.Path + request.QueryString, model, azure, Headers(request), body, json, parts, DateTimeOffset.UtcNow));

        if (kind == "other" || (azure && string.IsNullOrEmpty(request.Query["api-version"])))
        {
            await Error(context, 404, "Resource not found", azure ? null : "invalid_request_error", null, azure ? "404" : null);
            return;
        }

        var authorized = azure ? request.Headers["api-key"].ToString() == ApiKey : request.Headers.Authorization.ToString() == "Bearer " + ApiKey;
        if (!authorized)
        {
            await (azure
                ? Error(context, 401, "Access denied due to invalid subscription key or wrong API endpoint.", null, null, "401")
                : Error(context, 401, "Incorrect API key provided.", "invalid_request_error", null, "invalid_api_key"));
            return;
        }

        if (Refusal(kind, json, parts, model) is { } refusal)
        {
            await Error(context, 400, refusal.Message, "invalid_request_error", refusal.Param, null);
            return;
        }

        var plan = Script(model!).NextPlan();
        var headers = new List<(string, string)> { ("x-request-id", "req_" + Guid.NewGuid().ToString("N")) };
        headers.AddRange(plan.Headers);
        switch (plan.Kind)
        {
            case OpenAIPlanKind.Fails:
                await Raw(context, plan.Status, plan.Body, headers);
                return;
            case OpenAIPlanKind.Slow:
                using (var held = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping.Token))
                {
                    try
                    {
                        await Task.Delay(plan.Delay, held.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        context.Abort();
                        return;
                    }
                }

                break;
        }

        var answer = kind == "chat" ? Chat(plan, model!) : ImagesAnswer(plan, json!);
        await Raw(context, 200, answer.ToJsonString(), headers);
    }

    /// <summary>What the real API refuses before any model runs; null when the request is well-formed.</summary>
    private static (string Message, string? Param)? Refusal(string kind, JsonObject? json, List<OpenAIPart> parts, string? model)
    {
        if (json is null)
        {
            return ("We could not parse the JSON body of your request.", null);
        }

        if (string.IsNullOrWhiteSpace(model))
        {
            return ("You must provide a model parameter.", "model");
        }

        switch (kind)
        {
            case "chat":
                return json["messages"] is JsonArray { Count: > 0 } ? null : ("Missing required parameter: 'messages'.", "messages");
            case "edits" when parts.Count == 0:
                return ("Invalid Content-Type header, expected multipart/form-data.", null);
            case "edits" when !parts.Any(p => p.FileName is not null && p.Name is "image" or "image[]"):
                return ("Missing required parameter: 'image'.", "image");
        }

        if (json["prompt"] is not JsonValue prompt || !prompt.TryGetValue<string>(out var text) || string.IsNullOrWhiteSpace(text))
        {
            return ("Missing required parameter: 'prompt'.", "prompt");
        }

        return json["size"] is JsonValue size && (!size.TryGetValue<string>(out var value) || !Sizes.Contains(value))
            ? ($"Invalid value: '{json["size"]}'. Supported values are: {string.Join(", ", Sizes.Select(s => $"'{s}'"))}.", "size")
            : null;
    }

    private static JsonObject Chat(OpenAIPlan plan, string model)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = null, ["refusal"] = null };
        var finish = "stop";
        switch (plan.Kind)
        {
            case OpenAIPlanKind.ContentFilter:
                finish = "content_filter";
                break;
            case OpenAIPlanKind.Refusal:
                message["refusal"] = plan.Text;
                break;
            default:
                message["content"] = plan.Text;
                break;
        }

        return new JsonObject
        {
            ["id"] = "chatcmpl-" + Guid.NewGuid().ToString("N"),
            ["object"] = "chat.completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finish }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = plan.PromptTokens,
                ["completion_tokens"] = plan.CompletionTokens,
                ["total_tokens"] = plan.PromptTokens + plan.CompletionTokens,
            },
        };
    }

    private static JsonObject ImagesAnswer(OpenAIPlan plan, JsonObject request)
    {
        var n = request["n"] is JsonValue value && int.TryParse(value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var asked) && asked > 0 ? asked : plan.Images;
        var data = new JsonArray();
        for (var i = 0; i < n; i++)
        {
            data.Add(new JsonObject { ["b64_json"] = TestImages.PngBase64(plan.Width, plan.Height) });
        }

        return new JsonObject
        {
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["data"] = data,
            ["output_format"] = "png",
            ["usage"] = new JsonObject { ["input_tokens"] = 50, ["output_tokens"] = 272, ["total_tokens"] = 322 },
        };
    }

    private void Record(string model, OpenAICall call)
    {
        var list = calls.GetOrAdd(model, _ => []);
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

    private static Task Error(HttpContext context, int status, string message, string? type, string? param, string? code) =>
        Raw(context, status, new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code },
        }.ToJsonString(), [("x-request-id", "req_" + Guid.NewGuid().ToString("N"))]);

    private static async Task Raw(HttpContext context, int status, string body, IEnumerable<(string Name, string Value)> headers)
    {
        var response = context.Response;
        response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            response.Headers.Append(name, value);
        }

        response.ContentType = body.TrimStart().StartsWith('{') ? "application/json" : "text/html; charset=utf-8";
        await response.WriteAsync(body, context.RequestAborted);
    }
}
