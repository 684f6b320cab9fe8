using System.Net;
using System.Text.Json.Nodes;
using SixLabors.ImageSharp;
using TaskFunctions.Tests.Infrastructure;
using TaskFunctions.Tests.Infrastructure.FakeComfyUI;
using TaskFunctions.Tests.Infrastructure.FakeFal;
using TaskFunctions.Tests.Infrastructure.FakeOpenAI;
using TaskFunctions.Tests.Infrastructure.FakeReplicate;

namespace TaskFunctions.Tests.EndToEnd;

/// <summary>
/// Every (kind, provider) pair beyond fal over HTTP against the self-host, each provider its own fake speaking its
/// protocol; fallback across providers, throttling, content filters, cancel reaching the provider once, and no secret
/// in records, logs or webhooks.
/// </summary>
[Collection("SelfHost")]
public sealed class ProviderPairsTests(SelfHostFixture fixture)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);

    public static TheoryData<string> ReplicateKinds => new()
    {
        "GENERATION", "EDITING", "REFINE", "VIDEO_GENERATION", "LLM_INTERACTION", "BACKGROUND_REMOVAL", "DETAIL_ENHANCER", "FACE_ENHANCER",
    };

    public static TheoryData<string> OpenAIKinds => new() { "GENERATION", "EDITING", "LLM_INTERACTION" };

    public static TheoryData<string> ComfyUIKinds => new() { "GENERATION", "EDITING", "REFINE", "BACKGROUND_REMOVAL", "DETAIL_ENHANCER", "FACE_ENHANCER" };

    [Theory]
    [MemberData(nameof(ReplicateKinds))]
    public async Task Replicate_Kind_CompletesWithResultReadBack(string kind)
    {
        var model = NewModel();
        fixture.Replicate.Script(model).Then(kind switch
        {
            "VIDEO_GENERATION" => ReplicatePlan.SucceedsWithVideo(),
            "LLM_INTERACTION" => ReplicatePlan.SucceedsWithText(["The answer ", "is 42."], 12, 5),
            "FACE_ENHANCER" => ReplicatePlan.EchoesInputImage(),
            _ => ReplicatePlan.Succeeds(),
        });
        using var client = Client();
        var body = Body(kind, "REPLICATE", new JsonObject { ["model"] = model });

        var final = await RunAsync(client, body);

        Assert.True(final["status"]!.GetValue<string>() == "COMPLETED", final.ToJsonString());
        Assert.Equal("REPLICATE", final["provider_type"]!.GetValue<string>());
        await AssertResultAsync(kind, final);
        Assert.Equal(kind == "BACKGROUND_REMOVAL" ? 2 : 1, fixture.Replicate.CreateCount(model));
        if (kind == "LLM_INTERACTION")
        {
            Assert.Equal("The answer is 42.", final["result_text"]!.GetValue<string>());
            Assert.Equal((12, 5), (final["input_tokens"]!.GetValue<int>(), final["output_tokens"]!.GetValue<int>()));
        }
    }

    [Theory]
    [MemberData(nameof(OpenAIKinds))]
    public async Task OpenAI_Kind_CompletesWithResultReadBack(string kind)
    {
        var model = "m-" + Guid.NewGuid().ToString("N");
        fixture.OpenAI.Script(model).Then(OpenAIPlan.Succeeds("Bonjour.", 21, 3, 64, 48));
        using var client = Client();
        var body = Body(kind, "OPENAI", new JsonObject { ["model"] = model });

        var final = await RunAsync(client, body);

        Assert.True(final["status"]!.GetValue<string>() == "COMPLETED", final.ToJsonString());
        await AssertResultAsync(kind, final);
        var call = Assert.Single(fixture.OpenAI.Calls(model));
        Assert.Equal(kind switch { "LLM_INTERACTION" => "chat", "GENERATION" => "generations", _ => "edits" }, call.Kind);
        if (kind == "LLM_INTERACTION")
        {
            Assert.Equal("Bonjour.", final["result_text"]!.GetValue<string>());
            Assert.Equal((21, 3), (final["input_tokens"]!.GetValue<int>(), final["output_tokens"]!.GetValue<int>()));
        }
    }

    [Theory]
    [MemberData(nameof(ComfyUIKinds))]
    public async Task ComfyUI_Kind_CompletesWithResultReadBack(string kind)
    {
        var (marker, _) = FakeComfyUIServer.NewMarker();
        var body = Body(kind, "COMFYUI", new JsonObject { ["workflow"] = FakeComfyUIServer.Mark(Workflow(kind), marker) });
        using var client = Client();

        var final = await RunAsync(client, body);

        Assert.True(final["status"]!.GetValue<string>() == "COMPLETED", final.ToJsonString());
        Assert.Equal("COMFYUI", final["provider_type"]!.GetValue<string>());
        await AssertResultAsync(kind, final);
        var graphs = fixture.ComfyUI.SubmittedGraphsFor(marker);
        Assert.Equal(kind == "BACKGROUND_REMOVAL" ? 2 : 1, graphs.Count);
        if (kind == "GENERATION")
        {
            // The prompt id is the task's workflow_id, and the generation list finds the task by it.
            var workflowId = final["workflow_id"]!.GetValue<string>();
            Assert.Contains(fixture.ComfyUI.CallsFor(marker), c => c.Kind == "prompt" && c.PromptId == workflowId);
            Assert.Equal("a lighthouse at dawn", graphs[0]["6"]!["inputs"]!["text"]!.GetValue<string>());
            var (status, list) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + "generation?workflow_id=" + workflowId);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(final["id"]!.GetValue<string>(), Assert.Single(list!.AsArray())!["id"]!.GetValue<string>());
        }

        if (kind == "REFINE")
        {
            Assert.Equal(2.0, graphs[0]["2"]!["inputs"]!["scale_by"]!.GetValue<double>());
        }
    }

    [Fact]
    public async Task Fallback_FalDown_ReplicateCompletes()
    {
        var app = FakeFalFixture.NewAppId();
        var model = NewModel();
        fixture.Fal.Script(app).Then(FalJobPlan.SubmitFails(503, """{"detail":"runner scheduling failure","error_type":"runner_scheduling_failure"}"""));
        fixture.Replicate.Script(model).Then(ReplicatePlan.Succeeds());
        using var client = Client();
        var body = Body("GENERATION", "FAL", new JsonObject { ["fal_app_id"] = app });
        body["fallback_provider_type"] = "REPLICATE";
        body["fallback_provider_config"] = new JsonObject { ["model"] = model };

        var final = await RunAsync(client, body);

        Assert.True(final["status"]!.GetValue<string>() == "COMPLETED", final.ToJsonString());
        Assert.Equal("REPLICATE", final["provider_type"]!.GetValue<string>());
        Assert.Equal(3, fixture.Fal.SubmitCount(app));
        Assert.Equal(1, fixture.Replicate.CreateCount(model));
        Assert.Equal(3, final["errors"]!.AsArray().Count);
        Assert.All(final["errors"]!.AsArray(), e => Assert.StartsWith("[FAL] ", e!.GetValue<string>(), StringComparison.Ordinal));
        await AssertResultAsync("GENERATION", final);
    }

    [Fact]
    public async Task Replicate_Throttled_WaitsRetryAfterAndCompletes()
    {
        var model = NewModel();
        fixture.Replicate.Script(model).Then(ReplicatePlan.Throttled(2)).Then(ReplicatePlan.Succeeds());
        using var client = Client();

        var final = await RunAsync(client, Body("GENERATION", "REPLICATE", new JsonObject { ["model"] = model }));

        Assert.True(final["status"]!.GetValue<string>() == "COMPLETED", final.ToJsonString());
        Assert.Equal(1, final["retry_count"]!.GetValue<int>());
        var creates = fixture.Replicate.Calls(model).Where(c => c.Kind == "create").ToList();
        Assert.Equal(2, creates.Count);
        Assert.True(creates[1].At - creates[0].At >= TimeSpan.FromSeconds(2), $"retried after {(creates[1].At - creates[0].At).TotalSeconds:0.00} s");
    }

    [Fact]
    public async Task OpenAI_ContentFilter_FailsWithContentPolicyWithoutRetry()
    {
        var model = "m-" + Guid.NewGuid().ToString("N");
        fixture.OpenAI.Script(model).Then(OpenAIPlan.ContentFilter());
        using var client = Client();

        var final = await RunAsync(client, Body("LLM_INTERACTION", "OPENAI", new JsonObject { ["model"] = model }));

        Assert.Equal("FAILED", final["status"]!.GetValue<string>());
        Assert.Equal("CONTENT_POLICY", final["error_category"]!.GetValue<string>());
        Assert.Equal(0, final["retry_count"]!.GetValue<int>());
        Assert.Single(fixture.OpenAI.Calls(model));
        Assert.Null(final["result_text"]);
    }

    [Fact]
    public async Task OpenAI_ContentFilterWithFallback_ReplicateAnswers()
    {
        // Providers filter differently: a refusal on one is not bad input, so the fallback may still answer (VALIDATION never falls back).
        var model = "m-" + Guid.NewGuid().ToString("N");
        var fallbackModel = NewModel();
        fixture.OpenAI.Script(model).Then(OpenAIPlan.ContentFilter());
        fixture.Replicate.Script(fallbackModel).Then(ReplicatePlan.SucceedsWithText(["from the fallback"]));
        using var client = Client();
        var body = Body("LLM_INTERACTION", "OPENAI", new JsonObject { ["model"] = model });
        body["fallback_provider_type"] = "REPLICATE";
        body["fallback_provider_config"] = new JsonObject { ["model"] = fallbackModel };

        var final = await RunAsync(client, body);

        Assert.True(final["status"]!.GetValue<string>() == "COMPLETED", final.ToJsonString());
        Assert.Equal("from the fallback", final["result_text"]!.GetValue<string>());
        Assert.Single(fixture.OpenAI.Calls(model));
        Assert.StartsWith("[OPENAI] ", Assert.Single(final["errors"]!.AsArray())!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replicate_CancelDuringPrediction_CancelsThePredictionOnce()
    {
        var model = NewModel();
        fixture.Replicate.Script(model).Then(ReplicatePlan.Hangs());
        using var client = Client();
        var id = (await ApiCalls.CreateAsync(client, Body("GENERATION", "REPLICATE", new JsonObject { ["model"] = model })))["id"]!.GetValue<string>();
        await WaitUntilAsync(() => fixture.Replicate.GetCount(model) >= 1);

        var (status, _) = await ApiCalls.PostAsync(client, ApiCalls.Tasks + id + "/cancel", new JsonObject());
        var final = await ApiCalls.WaitForAsync(client, id, ApiCalls.IsTerminal, Long);
        await WaitUntilAsync(() => fixture.Replicate.CancelCount(model) >= 1);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("CANCELLED", final["status"]!.GetValue<string>());
        Assert.Null(final["result_image_path"]);
        Assert.Equal(1, fixture.Replicate.CancelCount(model));
        Assert.Equal(1, fixture.Replicate.CreateCount(model));
    }

    [Fact]
    public async Task ComfyUI_CancelDuringPrompt_InterruptsOrDeletesItOnce()
    {
        var (marker, _) = FakeComfyUIServer.NewMarker();
        fixture.ComfyUI.Script(marker).Then(ComfyPlan.HoldUntilReleased());
        using var client = Client();
        var body = Body("GENERATION", "COMFYUI", new JsonObject { ["workflow"] = FakeComfyUIServer.Mark(Workflow("GENERATION"), marker) });
        var id = (await ApiCalls.CreateAsync(client, body))["id"]!.GetValue<string>();
        await WaitUntilAsync(() => fixture.ComfyUI.CallsFor(marker).Any(c => c.Kind == "history"));
        var promptId = fixture.ComfyUI.CallsFor(marker).First(c => c.Kind == "prompt").PromptId!;

        await ApiCalls.PostAsync(client, ApiCalls.Tasks + id + "/cancel", new JsonObject());
        var final = await ApiCalls.WaitForAsync(client, id, ApiCalls.IsTerminal, Long);
        await WaitUntilAsync(() => StopCalls(promptId) >= 1);

        Assert.Equal("CANCELLED", final["status"]!.GetValue<string>());
        Assert.Equal(1, StopCalls(promptId));
        Assert.Equal(promptId, final["workflow_id"]!.GetValue<string>());

        int StopCalls(string prompt) => fixture.ComfyUI.Calls.Count(c => c.Kind is "delete" or "interrupt" && c.Body.Contains(prompt, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Secrets_AfterRunsOnEveryProvider_AppearInNoRecordLogOrWebhook()
    {
        var endpoint = fixture.Webhooks.Endpoint(200);
        var model = NewModel();
        var openAIModel = "m-" + Guid.NewGuid().ToString("N");
        var (marker, _) = FakeComfyUIServer.NewMarker();
        fixture.OpenAI.Script(openAIModel).Then(OpenAIPlan.Succeeds());
        using var client = Client();
        var bodies = new[]
        {
            Body("GENERATION", "REPLICATE", new JsonObject { ["model"] = model }),
            Body("LLM_INTERACTION", "OPENAI", new JsonObject { ["model"] = openAIModel }),
            Body("GENERATION", "COMFYUI", new JsonObject { ["workflow"] = FakeComfyUIServer.Mark(Workflow("GENERATION"), marker) }),
        };
        var ids = new List<string>();
        foreach (var body in bodies)
        {
            body["webhook_url"] = endpoint.ToString();
            var final = await RunAsync(client, body);
            Assert.True(final["status"]!.GetValue<string>() == "COMPLETED", final.ToJsonString());
            ids.Add(final["id"]!.GetValue<string>());
        }

        var posts = await fixture.Webhooks.WaitForAsync(endpoint, 3, Long);
        var secrets = new[] { fixture.Replicate.ApiToken, fixture.OpenAI.ApiKey, fixture.ComfyUI.BearerToken!, fixture.Fal.ApiKey };
        var seen = string.Join("\n", posts.Select(p => p.Body + string.Join(" ", p.Headers.Values))) + fixture.Host.Output;
        foreach (var id in ids)
        {
            var record = await TaskRecords.ReadAsync(fixture.Host, id);
            seen += "\n" + System.Text.Json.JsonSerializer.Serialize(record, Core.Tasks.TaskJson.Storage);
            Assert.NotEmpty(record!.Internal.ServiceRequests!);
        }

        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, seen, StringComparison.Ordinal);
        }
    }

    private async Task AssertResultAsync(string kind, JsonObject final)
    {
        var id = final["id"]!.GetValue<string>();
        switch (kind)
        {
            case "LLM_INTERACTION":
                Assert.False(string.IsNullOrEmpty(final["result_text"]!.GetValue<string>()));
                break;
            case "VIDEO_GENERATION":
                var video = await DownloadAsync(final["result_video_path"]!.GetValue<string>());
                Assert.Equal("ftyp"u8.ToArray(), video[4..8]);
                break;
            case "BACKGROUND_REMOVAL":
                var paths = final["result_image_paths"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();
                Assert.Equal([$"background-removals/{id}/result-0.png", $"background-removals/{id}/result-1.png"], paths);
                foreach (var path in paths)
                {
                    using var image = Image.Load(await DownloadAsync(path));
                }

                break;
            default:
                var result = final["result_image_path"]!.GetValue<string>();
                Assert.StartsWith($"{ContainerOf(kind)}/{id}/", result, StringComparison.Ordinal);
                using (var image = Image.Load(await DownloadAsync(result)))
                {
                    Assert.True(image.Width > 0 && image.Height > 0);
                    if (kind == "REFINE" && final["provider_type"]!.GetValue<string>() == "COMFYUI")
                    {
                        Assert.Equal((64, 48), (image.Width, image.Height)); // 32×24 input, scale_by 2
                    }
                }

                break;
        }
    }

    private static string ContainerOf(string kind) => kind switch
    {
        "GENERATION" => "generations",
        "EDITING" => "editings",
        "REFINE" => "refines",
        "DETAIL_ENHANCER" => "detail-enhancements",
        "FACE_ENHANCER" => "face-enhancements",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>A create body of <paramref name="kind"/> on <paramref name="provider"/> with inputs every provider can take.</summary>
    private static JsonObject Body(string kind, string provider, JsonObject config)
    {
        var image = "data:image/png;base64," + Convert.ToBase64String(TestImages.SplitPng(32, 24));
        var body = SampleBodies.For(kind);
        body["provider_type"] = provider;
        body["provider_config"] = config;
        switch (kind)
        {
            case "GENERATION":
                body["prompt"] = "a lighthouse at dawn";
                break;
            case "REFINE":
                body["base_image_url"] = image;
                body["upscale_factor"] = 2;
                break;
            case "EDITING" or "DETAIL_ENHANCER":
                body["base_image"] = image;
                if (kind == "DETAIL_ENHANCER")
                {
                    body["reference_image"] = image;
                    body["detail_label"] = "jacket";
                }

                break;
            case "BACKGROUND_REMOVAL":
                body["input_image_paths"] = new JsonArray(image, image);
                break;
            case "FACE_ENHANCER":
                body["input_image"] = image;
                break;
        }

        return body;
    }

    /// <summary>A ComfyUI graph (API format) for the kind, with the titled input nodes the service injects into.</summary>
    private static JsonObject Workflow(string kind)
    {
        var folder = Path.Combine(RepositoryPaths.Root, "tests", "TaskFunctions.Tests", "Infrastructure", "FakeComfyUI");
        if (kind == "GENERATION")
        {
            return JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "txt2img.json")))!.AsObject();
        }

        var graph = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "image-to-image.json")))!.AsObject();
        if (kind is "EDITING" or "DETAIL_ENHANCER")
        {
            graph["10"] = new JsonObject { ["class_type"] = "CheckpointLoaderSimple", ["inputs"] = new JsonObject { ["ckpt_name"] = "model.safetensors" } };
            graph["11"] = new JsonObject
            {
                ["class_type"] = "CLIPTextEncode",
                ["inputs"] = new JsonObject { ["text"] = "", ["clip"] = new JsonArray("10", 1) },
                ["_meta"] = new JsonObject { ["title"] = "input_prompt" },
            };
        }

        if (kind == "DETAIL_ENHANCER")
        {
            graph["12"] = new JsonObject { ["class_type"] = "LoadImage", ["inputs"] = new JsonObject { ["image"] = "reference.png" }, ["_meta"] = new JsonObject { ["title"] = "input_reference_image" } };
        }

        return graph;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Long;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(50);
        }
    }

    private async Task<JsonObject> RunAsync(HttpClient client, JsonObject body)
    {
        var id = (await ApiCalls.CreateAsync(client, body))["id"]!.GetValue<string>();
        return await ApiCalls.WaitForAsync(client, id, ApiCalls.IsTerminal, Long);
    }

    private Task<byte[]> DownloadAsync(string path) => TaskBlobs.DownloadAsync(fixture.StorageConnectionString, path);

    private HttpClient Client() => fixture.Client("t-" + Guid.NewGuid().ToString("N"));

    private static string NewModel() => $"test-{Guid.NewGuid():N}/model";
}
