using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using TaskFunctions.Tests.Infrastructure;
using TaskFunctions.Tests.Infrastructure.FakeFal;

namespace TaskFunctions.Tests.EndToEnd;

/// <summary>
/// Every task kind end to end over HTTP: the self-host on Azurite's Durable backend against the fake fal queue API,
/// which serves real output shapes (any-llm text, birefnet cut-outs, echoed/resized images, MP4s) built from the
/// submitted inputs. Results are read back from blob storage and checked by content.
/// Tests that script the fixture's default apps leave them unscripted again when they end (<see cref="Dispose"/>), so
/// other classes of the collection meet the fake's plain default behaviour whatever ran before.
/// </summary>
[Collection(SelfHostCollection.Name)]
public sealed class EveryKindTests(SelfHostFixture fixture) : IDisposable
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);

    private static readonly string[] DefaultApps =
    [
        ProviderTestSettings.GenerationAppId, ProviderTestSettings.EditingAppId, ProviderTestSettings.RefineAppId,
        ProviderTestSettings.VideoAppId, ProviderTestSettings.ImageToVideoAppId, ProviderTestSettings.LlmAppId,
        ProviderTestSettings.VisionLlmAppId, ProviderTestSettings.BackgroundRemovalAppId, ProviderTestSettings.DetailEnhancerAppId,
        ProviderTestSettings.FaceEnhancerAppId, ProviderTestSettings.FaceDetailAppId,
    ];

    public static TheoryData<string> Kinds => new(SampleBodies.Kinds);

    // ---- every kind ----------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Create_SampleBodyWithDefaultAppsScripted_CompletesWithCheckedResult(string kind)
    {
        ScriptDefaultApps();
        var defaultApp = kind switch
        {
            "GENERATION" => ProviderTestSettings.GenerationAppId,
            "EDITING" => ProviderTestSettings.EditingAppId,
            "REFINE" => ProviderTestSettings.RefineAppId,
            "EXPERIMENTAL_FAL" => SampleBodies.For(kind)["fal_app_id"]!.GetValue<string>(),
            "VIDEO_GENERATION" => ProviderTestSettings.VideoAppId,
            "LLM_INTERACTION" => ProviderTestSettings.LlmAppId,
            "BACKGROUND_REMOVAL" or "BACKGROUND_FIX" => ProviderTestSettings.BackgroundRemovalAppId,
            "DETAIL_ENHANCER" => ProviderTestSettings.DetailEnhancerAppId,
            "FACE_ENHANCER" => ProviderTestSettings.FaceEnhancerAppId,
            _ => null,
        };
        var submitsBefore = defaultApp is null ? 0 : Fal.SubmitCount(defaultApp);
        using var client = Client();

        var final = await RunAsync(client, SampleBodies.For(kind));

        Assert.True(final["status"]!.GetValue<string>() == "COMPLETED", $"{kind} ended {final.ToJsonString()}");
        var id = final["id"]!.GetValue<string>();
        if (defaultApp is not null)
        {
            Assert.True(Fal.SubmitCount(defaultApp) > submitsBefore, $"{kind} never submitted to {defaultApp}");
        }

        switch (kind)
        {
            case "GENERATION":
                AssertPng(await DownloadAsync(Path(final, "result_image_path", $"generations/{id}/result.png")), 64, 48);
                break;
            case "EDITING":
                AssertPng(await DownloadAsync(Path(final, "result_image_path", $"editings/{id}/result.png")), 64, 48);
                break;
            case "REFINE":
                // No factor: the default app gets image_size = twice the 40×30 input and echoes at that size.
                AssertPng(await DownloadAsync(Path(final, "result_image_path", $"refines/{id}/result.png")), 80, 60);
                break;
            case "EXPERIMENTAL_FAL":
                Assert.NotNull(JsonNode.Parse(await DownloadAsync(Path(final, "result_url", $"experimental-fal/{id}/result.json"))));
                break;
            case "VIDEO_GENERATION":
                AssertMp4(await DownloadAsync(Path(final, "result_video_path", $"video-generations/{id}/result.mp4")));
                break;
            case "LLM_INTERACTION":
                Assert.Equal("sample answer", final["result_text"]!.GetValue<string>());
                Assert.Equal(11, final["input_tokens"]!.GetValue<int>());
                Assert.Equal(4, final["output_tokens"]!.GetValue<int>());
                break;
            case "BACKGROUND_REMOVAL":
            {
                var paths = final["result_image_paths"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();
                Assert.Equal([$"background-removals/{id}/result-0.png"], paths);
                AssertHasTransparentPixel(AssertPng(await DownloadAsync(paths[0]), 16, 12));
                break;
            }

            case "DETAIL_ENHANCER":
                AssertPng(await DownloadAsync(Path(final, "result_image_path", $"detail-enhancements/{id}/result.png")), 16, 12);
                break;
            case "BACKGROUND_FIX":
                AssertPng(await DownloadAsync(Path(final, "result_image_path", $"background-fixes/{id}/result.png")), 16, 12);
                break;
            case "IMAGE_ADJUSTER":
                AssertPng(await DownloadAsync(Path(final, "result_image_path", $"image-adjustments/{id}/result.png")), 8, 8);
                break;
            case "FACE_ENHANCER":
                Assert.Equal(1, final["attempts_used"]!.GetValue<int>());
                Assert.True(final["final_ssim_score"]!.GetValue<double>() >= 0.85);
                AssertPng(await DownloadAsync(Path(final, "result_image_path", $"face-enhancements/{id}/attempt-1.png")), 16, 12);
                break;
            default:
                Assert.Fail("unknown kind " + kind);
                break;
        }
    }

    // ---- VIDEO_GENERATION ----------------------------------------------------------------------------------------

    [Fact]
    public async Task VideoGeneration_TextOnly_SubmitsToVideoAppAndStoresMp4()
    {
        Fal.NewScript(ProviderTestSettings.VideoAppId).Then(FalJobPlan.SucceedsWithVideo());
        var prompt = "a red bicycle " + Guid.NewGuid().ToString("N");
        using var client = Client();
        var body = SampleBodies.For("VIDEO_GENERATION");
        body["prompt"] = prompt;
        body["negative_prompt"] = "blurry";
        body["duration_seconds"] = 10;
        body["cfg_scale"] = 0.7;

        var final = await RunAsync(client, body);

        AssertCompleted(final);
        var id = final["id"]!.GetValue<string>();
        Assert.Equal("FAL", final["provider_type"]!.GetValue<string>());
        AssertMp4(await DownloadAsync(Path(final, "result_video_path", $"video-generations/{id}/result.mp4")));
        Assert.Null(final["input_image_path"]);
        var input = Assert.Single(Fal.SubmittedInputs(ProviderTestSettings.VideoAppId), i => Text(i["prompt"]) == prompt);
        Assert.Equal("blurry", Text(input["negative_prompt"]));
        Assert.Equal("10", Text(input["duration"]));
        Assert.Equal(0.7, input["cfg_scale"]!.GetValue<double>(), 6);
        Assert.Null(input["image_url"]);
        Assert.DoesNotContain(Fal.SubmittedInputs(ProviderTestSettings.ImageToVideoAppId), i => Text(i["prompt"]) == prompt);
    }

    [Theory]
    [InlineData("input_image_data")]
    [InlineData("input_image_url")]
    public async Task VideoGeneration_WithInputImage_SubmitsToImageToVideoApp(string field)
    {
        Fal.NewScript(ProviderTestSettings.ImageToVideoAppId).Then(FalJobPlan.SucceedsWithVideo());
        var prompt = "the bicycle rides away " + Guid.NewGuid().ToString("N");
        using var client = Client();
        var body = SampleBodies.For("VIDEO_GENERATION");
        body["prompt"] = prompt;
        var (width, height) = field == "input_image_data" ? (64, 48) : (40, 30);
        body[field] = field == "input_image_data" ? Convert.ToBase64String(GradientPng(64, 48)) : SampleBodies.RemoteImageUrl;

        var final = await RunAsync(client, body);

        AssertCompleted(final);
        var id = final["id"]!.GetValue<string>();
        AssertMp4(await DownloadAsync(Path(final, "result_video_path", $"video-generations/{id}/result.mp4")));
        var stored = final["input_image_path"]!.GetValue<string>();
        Assert.StartsWith($"video-generations/{id}/inputs/", stored, StringComparison.Ordinal);
        AssertPngOrImage(await DownloadAsync(stored), width, height);
        var input = Assert.Single(Fal.SubmittedInputs(ProviderTestSettings.ImageToVideoAppId), i => Text(i["prompt"]) == prompt);
        Assert.Equal("5", Text(input["duration"]));
        Assert.Equal((width, height), await SizeOfDataUriAsync(input["image_url"]));
        Assert.DoesNotContain(Fal.SubmittedInputs(ProviderTestSettings.VideoAppId), i => Text(i["prompt"]) == prompt);
    }

    [Fact]
    public async Task VideoGeneration_ServedFileIsNotAnMp4_FailsWithProviderError()
    {
        var app = NewApp();
        Fal.Script(app).Then(FalJobPlan.SucceedsWithFakeVideo());
        using var client = Client();
        var body = SampleBodies.For("VIDEO_GENERATION");
        body["provider_config"] = new JsonObject { ["fal_app_id"] = app };

        var final = await RunAsync(client, body);

        Assert.Equal("FAILED", final["status"]!.GetValue<string>());
        Assert.Equal("PROVIDER_ERROR", final["error_category"]?.GetValue<string>());
        Assert.Null(final["result_video_path"]);
        Assert.True(Fal.SubmitCount(app) >= 1);
    }

    // ---- LLM_INTERACTION -----------------------------------------------------------------------------------------

    [Fact]
    public async Task LlmInteraction_TextOnly_ReturnsOutputAndReportedTokens()
    {
        Fal.NewScript(ProviderTestSettings.LlmAppId).Then(FalJobPlan.SucceedsWithText("Bicycles have two wheels.", promptTokens: 12, completionTokens: 5));
        var prompt = "how many wheels? " + Guid.NewGuid().ToString("N");
        using var client = Client();
        var body = SampleBodies.For("LLM_INTERACTION");
        body["prompt"] = prompt;
        body["system_prompt"] = "answer in one sentence";

        var final = await RunAsync(client, body);

        AssertCompleted(final);
        Assert.Equal("Bicycles have two wheels.", final["result_text"]!.GetValue<string>());
        Assert.Equal(12, final["input_tokens"]!.GetValue<int>());
        Assert.Equal(5, final["output_tokens"]!.GetValue<int>());
        var input = Assert.Single(Fal.SubmittedInputs(ProviderTestSettings.LlmAppId), i => Text(i["prompt"]) == prompt);
        Assert.Equal("answer in one sentence", Text(input["system_prompt"]));
        Assert.False(input.ContainsKey("model"), "model is sent only when provider_config.model is set");
        Assert.False(input.ContainsKey("image_urls"));
    }

    [Fact]
    public async Task LlmInteraction_WithImagesAndModel_UsesVisionAppAndNullTokensWhenUnreported()
    {
        Fal.NewScript(ProviderTestSettings.VisionLlmAppId).Then(FalJobPlan.SucceedsWithText("Two pictures."));
        var prompt = "describe " + Guid.NewGuid().ToString("N");
        using var client = Client();
        var body = SampleBodies.For("LLM_INTERACTION");
        body["prompt"] = prompt;
        body["input_images"] = new JsonArray(DataUri(GradientPng(64, 48)), SampleBodies.RemoteImageUrl);
        body["provider_config"] = new JsonObject { ["model"] = "google/gemini-flash-1.5" };

        var final = await RunAsync(client, body);

        AssertCompleted(final);
        Assert.Equal("Two pictures.", final["result_text"]!.GetValue<string>());
        Assert.True(final.ContainsKey("input_tokens") && final["input_tokens"] is null, "input_tokens must be JSON null");
        Assert.True(final.ContainsKey("output_tokens") && final["output_tokens"] is null, "output_tokens must be JSON null");
        var input = Assert.Single(Fal.SubmittedInputs(ProviderTestSettings.VisionLlmAppId), i => Text(i["prompt"]) == prompt);
        Assert.Equal("google/gemini-flash-1.5", Text(input["model"]));
        var urls = input["image_urls"]!.AsArray();
        Assert.Equal(2, urls.Count);
        Assert.Equal((64, 48), await SizeOfDataUriAsync(urls[0]));
        Assert.Equal((40, 30), await SizeOfDataUriAsync(urls[1]));
        Assert.DoesNotContain(Fal.SubmittedInputs(ProviderTestSettings.LlmAppId), i => Text(i["prompt"]) == prompt);
    }

    // ---- BACKGROUND_REMOVAL --------------------------------------------------------------------------------------

    [Fact]
    public async Task BackgroundRemoval_TwoImages_OneJobEachAndResultsInInputOrder()
    {
        var app = NewApp();
        Fal.Script(app).Then(FalJobPlan.SucceedsWithCutout());
        using var client = Client();
        var body = SampleBodies.For("BACKGROUND_REMOVAL");
        body["input_image_paths"] = new JsonArray(DataUri(GradientPng(64, 48)), DataUri(GradientPng(32, 40)));
        body["provider_config"] = new JsonObject { ["fal_app_id"] = app };

        var final = await RunAsync(client, body);

        AssertCompleted(final);
        var id = final["id"]!.GetValue<string>();
        var paths = final["result_image_paths"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();
        Assert.Equal([$"background-removals/{id}/result-0.png", $"background-removals/{id}/result-1.png"], paths);
        AssertHasTransparentPixel(AssertPng(await DownloadAsync(paths[0]), 64, 48));
        AssertHasTransparentPixel(AssertPng(await DownloadAsync(paths[1]), 32, 40));
        var inputs = Fal.SubmittedInputs(app);
        Assert.Equal(2, inputs.Count);
        Assert.Equal((64, 48), await SizeOfDataUriAsync(inputs[0]["image_url"]));
        Assert.Equal((32, 40), await SizeOfDataUriAsync(inputs[1]["image_url"]));
        Assert.All(inputs, i => Assert.Equal("png", Text(i["output_format"])));
    }

    /// <summary>
    /// The second image's job fails for good: refused (422, never retried) or failing with 500 on every attempt
    /// (Retry:MaxAttempts is 3). The first image's job succeeded and is not submitted again.
    /// </summary>
    [Theory]
    [InlineData(422, 2)]
    [InlineData(500, 4)]
    public async Task BackgroundRemoval_SecondImageFailsForGood_FailsNamingItsIndex(int status, int submits)
    {
        var app = NewApp();
        var failure = status == 422
            ? FalJobPlan.SubmitFails(422, """{"detail":[{"loc":["body","image_url"],"msg":"Could not load the image","type":"image_load_error"}]}""")
            : FalJobPlan.SubmitFails(500, """{"detail":"Internal Server Error"}""");
        Fal.Script(app).Then(FalJobPlan.SucceedsWithCutout()).Then(failure);
        using var client = Client();
        var body = SampleBodies.For("BACKGROUND_REMOVAL");
        body["input_image_paths"] = new JsonArray(DataUri(GradientPng(64, 48)), DataUri(GradientPng(32, 40)));
        body["provider_config"] = new JsonObject { ["fal_app_id"] = app };

        var final = await RunAsync(client, body);

        Assert.Equal("FAILED", final["status"]!.GetValue<string>());
        if (status == 422)
        {
            Assert.Equal("VALIDATION", final["error_category"]?.GetValue<string>());
        }

        Assert.Null(final["result_image_paths"]);
        var last = final["errors"]!.AsArray().Last()!.GetValue<string>();
        Assert.Contains("input_image_paths[1]", last, StringComparison.Ordinal);
        Assert.Equal(submits, Fal.SubmitCount(app));
        var inputs = Fal.SubmittedInputs(app);
        Assert.Equal((64, 48), await SizeOfDataUriAsync(inputs[0]["image_url"]));
        foreach (var input in inputs.Skip(1))
        {
            Assert.Equal((32, 40), await SizeOfDataUriAsync(input["image_url"]));
        }
    }

    // ---- DETAIL_ENHANCER -----------------------------------------------------------------------------------------

    [Fact]
    public async Task DetailEnhancer_BaseAndReference_SubmitsBothImagesAndLabel()
    {
        var app = NewApp();
        Fal.Script(app).Then(FalJobPlan.Succeeds(width: 64, height: 48));
        using var client = Client();
        var body = SampleBodies.For("DETAIL_ENHANCER");
        body["base_image"] = DataUri(GradientPng(64, 48));
        body["reference_image"] = DataUri(GradientPng(32, 32));
        body["detail_label"] = "the chrome logo";
        body["provider_config"] = new JsonObject { ["fal_app_id"] = app };

        var final = await RunAsync(client, body);

        AssertCompleted(final);
        var id = final["id"]!.GetValue<string>();
        AssertPng(await DownloadAsync(Path(final, "result_image_path", $"detail-enhancements/{id}/result.png")), 64, 48);
        var input = Assert.Single(Fal.SubmittedInputs(app));
        var urls = input["image_urls"]!.AsArray();
        Assert.Equal(2, urls.Count);
        Assert.Equal((64, 48), await SizeOfDataUriAsync(urls[0]));
        Assert.Equal((32, 32), await SizeOfDataUriAsync(urls[1]));
        Assert.Equal(Text(urls[0]), Text(input["image_url"]));
        Assert.Contains("the chrome logo", Text(input["prompt"]) ?? "", StringComparison.Ordinal);
    }

    // ---- FACE_ENHANCER -------------------------------------------------------------------------------------------

    [Fact]
    public async Task FaceEnhancer_NoiseThenFaithfulOutput_KeepsSecondAttempt()
    {
        var app = NewApp();
        Fal.Script(app).Then(FalJobPlan.SucceedsWithNoise()).Then(FalJobPlan.EchoesInputImage());
        using var client = Client();
        var body = SampleBodies.For("FACE_ENHANCER");
        body["input_image"] = DataUri(GradientPng(64, 64));
        body["provider_config"] = new JsonObject { ["fal_app_id"] = app };

        var final = await RunAsync(client, body);

        AssertCompleted(final);
        var id = final["id"]!.GetValue<string>();
        Assert.Equal(2, final["attempts_used"]!.GetValue<int>());
        Assert.True(final["final_ssim_score"]!.GetValue<double>() >= 0.85, $"final_ssim_score {final["final_ssim_score"]}");
        Assert.False(final["face_detected"]!.GetValue<bool>());
        Assert.True(final.ContainsKey("final_lpips_score") && final["final_lpips_score"] is null);
        Assert.True(final.ContainsKey("final_dists_score") && final["final_dists_score"] is null);
        AssertPng(await DownloadAsync(Path(final, "result_image_path", $"face-enhancements/{id}/attempt-2.png")), 64, 64);
        var inputs = Fal.SubmittedInputs(app);
        Assert.Equal(2, inputs.Count);
        Assert.Equal([1, 2], inputs.Select(i => i["seed"]!.GetValue<int>()));
        foreach (var input in inputs)
        {
            Assert.Equal((64, 64), await SizeOfDataUriAsync(input["image_url"]));
        }
    }

    // ---- BACKGROUND_FIX ------------------------------------------------------------------------------------------

    [Fact]
    public async Task BackgroundFix_OpaquePhoto_MasksThroughBackgroundRemovalApp()
    {
        Fal.NewScript(ProviderTestSettings.BackgroundRemovalAppId).Then(FalJobPlan.SucceedsWithCutout());
        using var client = Client();
        var body = SampleBodies.For("BACKGROUND_FIX");
        body["base_image"] = DataUri(GradientPng(70, 54)); // a size no other test uses: its mask job is recognisable
        body["palette_image"] = DataUri(GradientPng(24, 24));

        var final = await RunAsync(client, body);

        AssertCompleted(final);
        var id = final["id"]!.GetValue<string>();
        Assert.Equal("LOCAL", final["provider_type"]!.GetValue<string>());
        AssertPng(await DownloadAsync(Path(final, "result_image_path", $"background-fixes/{id}/result.png")), 70, 54);
        Assert.Equal(1, await CountSubmitsOfSizeAsync(ProviderTestSettings.BackgroundRemovalAppId, 70, 54));
    }

    [Fact]
    public async Task BackgroundFix_ImageAlreadyCutOut_CompletesWithoutMaskJob()
    {
        Fal.NewScript(ProviderTestSettings.BackgroundRemovalAppId).Then(FalJobPlan.SucceedsWithCutout());
        using var client = Client();
        var body = SampleBodies.For("BACKGROUND_FIX");
        body["base_image"] = DataUri(CutOutPng(74, 58));
        body["palette_image"] = DataUri(GradientPng(24, 24));

        var final = await RunAsync(client, body);

        AssertCompleted(final);
        var id = final["id"]!.GetValue<string>();
        AssertPng(await DownloadAsync(Path(final, "result_image_path", $"background-fixes/{id}/result.png")), 74, 58);
        Assert.Equal(0, await CountSubmitsOfSizeAsync(ProviderTestSettings.BackgroundRemovalAppId, 74, 58));
    }

    // ---- REFINE --------------------------------------------------------------------------------------------------

    /// <summary>upscale_factor (null: none), active_provider_capabilities (comma separated), missing capability (null: accepted).</summary>
    public static TheoryData<double?, string, string?> CapabilityRows => new()
    {
        { 2, "UPSCALE_2X", null },
        { 2, "UPSCALE_4X,UPSCALE_8X", "UPSCALE_2X" },
        { 2, "UPSCALE_FLOAT", "UPSCALE_2X" },
        { 4, "UPSCALE_4X,UPSCALE_8X", null },
        { 4, "UPSCALE_2X", "UPSCALE_4X" },
        { 8, "UPSCALE_4X,UPSCALE_8X", null },
        { 8, "UPSCALE_2X", "UPSCALE_8X" },
        { 1.5, "UPSCALE_FLOAT", null },
        { 1.5, "UPSCALE_2X", "UPSCALE_FLOAT" },
        { 1.5, "OUTPUT_SIZE", "UPSCALE_FLOAT" },
        { null, "OUTPUT_SIZE", null },
        { null, "UPSCALE_2X", "OUTPUT_SIZE" },
        { null, "UPSCALE_4X,UPSCALE_8X", "OUTPUT_SIZE" },
        { null, "UPSCALE_FLOAT", "OUTPUT_SIZE" },
    };

    [Theory]
    [MemberData(nameof(CapabilityRows))]
    public async Task Refine_UpscaleFactorAgainstCapabilities_AcceptedOr422AtUpscaleFactor(double? factor, string capabilities, string? missing)
    {
        var app = NewApp();
        Fal.Script(app).Then(FalJobPlan.Succeeds().HoldUntilReleased());
        using var client = Client();
        var body = Refine(app, factor, capabilities);

        var (status, json) = await ApiCalls.PostAsync(client, ApiCalls.Tasks, body);

        if (missing is null)
        {
            Assert.True(status == HttpStatusCode.OK, $"create returned {(int)status}: {json?.ToJsonString()}");

            // Accepted rows are run end to end below; here the task is stopped so nothing lingers.
            var (cancel, _) = await ApiCalls.PostAsync(client, ApiCalls.Tasks + json!["id"]!.GetValue<string>() + "/cancel", new JsonObject());
            Assert.True(cancel is HttpStatusCode.OK or HttpStatusCode.Conflict, $"cancel returned {(int)cancel}");
            return;
        }

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var error = Assert.Single(json!["detail"]!.AsArray(), e => e!["loc"]!.AsArray().Select(l => l!.ToString()).SequenceEqual(["body", "upscale_factor"]));
        Assert.Contains(missing, error!["msg"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertNothingCreatedAsync(client);
    }

    /// <summary>factor, capabilities, target size (0: none), fal mode expected ("factor" or "size"), result size.</summary>
    public static TheoryData<double?, string, int, int, string, int, int> RefineRuns => new()
    {
        { 2, "UPSCALE_2X", 0, 0, "factor", 80, 60 },
        { 1.5, "UPSCALE_FLOAT", 50, 41, "factor", 50, 41 },
        { null, "OUTPUT_SIZE", 100, 70, "size", 100, 70 },
        { null, "OUTPUT_SIZE", 0, 0, "size", 80, 60 },
    };

    [Theory]
    [MemberData(nameof(RefineRuns))]
    public async Task Refine_AcceptedUpscaleMode_SendsThatModeAndStoresExpectedSize(double? factor, string capabilities, int targetWidth, int targetHeight, string mode, int width, int height)
    {
        var app = NewApp();
        Fal.Script(app).Then(mode == "size" ? FalJobPlan.EchoesInputImageAtSize() : FalJobPlan.EchoesInputImage());
        using var client = Client();
        var body = Refine(app, factor, capabilities);
        if (targetWidth > 0)
        {
            body["target_width"] = targetWidth;
            body["target_height"] = targetHeight;
        }

        var final = await RunAsync(client, body);

        AssertCompleted(final);
        var id = final["id"]!.GetValue<string>();
        AssertPng(await DownloadAsync(Path(final, "result_image_path", $"refines/{id}/result.png")), width, height);
        var input = Assert.Single(Fal.SubmittedInputs(app));
        Assert.Equal((40, 30), await SizeOfDataUriAsync(input["image_url"]));
        if (mode == "factor")
        {
            Assert.Equal(factor!.Value, input["upscale_factor"]!.GetValue<double>(), 6);
            Assert.False(input.ContainsKey("image_size"), "factor mode sends no image_size");
        }
        else
        {
            var size = input["image_size"]!;
            var expected = targetWidth > 0 ? (targetWidth, targetHeight) : (80, 60);
            Assert.Equal(expected, (size["width"]!.GetValue<int>(), size["height"]!.GetValue<int>()));
            Assert.False(input.ContainsKey("upscale_factor"), "output-size mode sends no upscale_factor");
        }
    }

    [Fact]
    public async Task Refine_UpscaleAndFaceDetail_FacePassGetsUpscaleOutput()
    {
        var upscale = NewApp();
        var face = NewApp();
        Fal.Script(upscale).Then(FalJobPlan.EchoesInputImage());
        Fal.Script(face).Then(FalJobPlan.EchoesInputImage(1));
        using var client = Client();
        var body = Refine(upscale, 2, capabilities: null);
        body["face_detail_enabled"] = true;
        body["provider_config"]!["face_detail_app_id"] = face;

        var final = await RunAsync(client, body);

        AssertCompleted(final);
        var id = final["id"]!.GetValue<string>();
        AssertPng(await DownloadAsync(Path(final, "result_image_path", $"refines/{id}/result.png")), 80, 60);
        var upscaleInput = Assert.Single(Fal.SubmittedInputs(upscale));
        var faceInput = Assert.Single(Fal.SubmittedInputs(face));
        Assert.Equal((40, 30), await SizeOfDataUriAsync(upscaleInput["image_url"]));
        // The upscale output, as a data URI or as the file fal served.
        Assert.Equal((80, 60), await TrySizeAsync(faceInput["image_url"]));
        Assert.True(
            Fal.Calls(face).First(c => c.Kind == "submit").At >= Fal.Calls(upscale).First(c => c.Kind == "result").At,
            "the face pass must start from the upscale pass's result");
    }

    [Fact]
    public async Task Refine_FaceDetailOnly_SubmitsOnlyTheFacePassOnTheInput()
    {
        var upscale = NewApp();
        var face = NewApp();
        Fal.Script(face).Then(FalJobPlan.EchoesInputImage(1));
        using var client = Client();
        var body = Refine(upscale, null, capabilities: null);
        body["upscale_enabled"] = false;
        body["face_detail_enabled"] = true;
        body["provider_config"]!["face_detail_app_id"] = face;

        var final = await RunAsync(client, body);

        AssertCompleted(final);
        var id = final["id"]!.GetValue<string>();
        AssertPng(await DownloadAsync(Path(final, "result_image_path", $"refines/{id}/result.png")), 40, 30);
        Assert.Equal(0, Fal.SubmitCount(upscale));
        Assert.Equal((40, 30), await SizeOfDataUriAsync(Assert.Single(Fal.SubmittedInputs(face))["image_url"]));
    }

    [Fact]
    public async Task Refine_BothPassesDisabled_Returns422()
    {
        using var client = Client();
        var body = Refine(NewApp(), 2, capabilities: null);
        body["upscale_enabled"] = false;
        body["face_detail_enabled"] = false;

        var (status, json) = await ApiCalls.PostAsync(client, ApiCalls.Tasks, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.All(json!["detail"]!.AsArray(), e => Assert.Equal("body", e!["loc"]![0]!.GetValue<string>()));
        await AssertNothingCreatedAsync(client);
    }

    // ---- EXPERIMENTAL_FAL fallback -------------------------------------------------------------------------------

    [Fact]
    public async Task ExperimentalFal_PrimaryAppKeepsFailing_FallbackAppCompletes()
    {
        var primary = NewApp();
        var fallback = NewApp();
        Fal.Script(primary).Then(FalJobPlan.SubmitFails(503, """{"detail":"runner scheduling failure","error_type":"runner_scheduling_failure"}"""));
        Fal.Script(fallback).Then(FalJobPlan.SucceedsWithJson("""{"image":{"url":"{file}","content_type":"image/png"},"note":"fallback"}"""));
        using var client = Client();
        var body = SampleBodies.For("EXPERIMENTAL_FAL");
        body["fal_app_id"] = primary;
        body["fallback_provider_type"] = "FAL";
        body["fallback_provider_config"] = new JsonObject { ["fal_app_id"] = fallback };

        var final = await RunAsync(client, body);

        AssertCompleted(final);
        Assert.Equal(3, Fal.SubmitCount(primary));
        Assert.Equal(1, Fal.SubmitCount(fallback));
        var output = JsonNode.Parse(await DownloadAsync(final["result_url"]!.GetValue<string>()))!;
        Assert.Equal("fallback", output["note"]!.GetValue<string>());
    }

    // ---- provider pairs ------------------------------------------------------------------------------------------

    /// <summary>kind, field, provider, a provider the message must name as able to run the kind.</summary>
    public static TheoryData<string, string, string, string> UnsupportedPairs => new()
    {
        { "IMAGE_ADJUSTER", "provider_type", "FAL", "LOCAL" },
        { "BACKGROUND_FIX", "provider_type", "FAL", "LOCAL" },
        { "VIDEO_GENERATION", "provider_type", "LOCAL", "FAL" },
        { "FACE_ENHANCER", "provider_type", "LOCAL", "FAL" },
        { "LLM_INTERACTION", "provider_type", "LOCAL", "FAL" },
        { "GENERATION", "fallback_provider_type", "LOCAL", "FAL" },
        { "IMAGE_ADJUSTER", "fallback_provider_type", "FAL", "LOCAL" },
    };

    [Theory]
    [MemberData(nameof(UnsupportedPairs))]
    public async Task Create_ProviderThatCannotRunTheKind_Returns422AtTheField(string kind, string field, string provider, string supported)
    {
        using var client = Client();
        var body = SampleBodies.For(kind);
        body[field] = provider;
        if (field == "fallback_provider_type")
        {
            body["fallback_provider_config"] = new JsonObject { ["fal_app_id"] = NewApp() };
        }

        var (status, json) = await ApiCalls.PostAsync(client, ApiCalls.Tasks, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var error = json!["detail"]!.AsArray().FirstOrDefault(e => e!["loc"]!.AsArray().Select(l => l!.ToString()).SequenceEqual(["body", field]));
        Assert.True(error is not null, $"no error at body.{field}: {json.ToJsonString()}");
        Assert.Contains(supported, error!["msg"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertNothingCreatedAsync(client);
    }

    /// <summary>Leaves every default app unscripted (the fake's plain default) for whatever test runs next.</summary>
    public void Dispose()
    {
        foreach (var app in DefaultApps)
        {
            Fal.NewScript(app);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /// <summary>An opaque RGB PNG with structure everywhere (gradients and an 8-pixel checker), so SSIM has something to compare.</summary>
    internal static byte[] GradientPng(int width, int height)
    {
        using var image = new Image<Rgb24>(width, height);
        image.ProcessPixelRows(accessor =>
        {
            for (var y = 0; y < accessor.Height; y++)
            {
                var row = accessor.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                {
                    var checker = ((x / 8) + (y / 8)) % 2 == 0 ? 230 : 25;
                    row[x] = new Rgb24((byte)(x * 255 / Math.Max(1, width - 1)), (byte)(y * 255 / Math.Max(1, height - 1)), (byte)checker);
                }
            }
        });
        using var output = new MemoryStream();
        image.SaveAsPng(output);
        return output.ToArray();
    }

    internal static string DataUri(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);

    /// <summary>A person-like cut-out: an RGBA PNG whose outer band is fully transparent around an opaque gradient.</summary>
    private static byte[] CutOutPng(int width, int height)
    {
        using var image = Image.Load<Rgba32>(GradientPng(width, height));
        image.ProcessPixelRows(accessor =>
        {
            for (var y = 0; y < accessor.Height; y++)
            {
                var row = accessor.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                {
                    var inside = x >= width / 4 && x < width * 3 / 4 && y >= height / 6;
                    row[x].A = inside ? (byte)255 : (byte)0;
                }
            }
        });
        // Loaded from an RGB PNG, the image would be saved as RGB again (dropping alpha) unless told otherwise.
        using var output = new MemoryStream();
        image.Save(output, new PngEncoder { ColorType = PngColorType.RgbWithAlpha, BitDepth = PngBitDepth.Bit8 });
        var png = output.ToArray();
        Assert.Equal(6, png[25]); // IHDR colour type 6: RGBA
        return png;
    }

    /// <summary>The default apps answer as the real apps would, whatever earlier tests scripted on them.</summary>
    private void ScriptDefaultApps()
    {
        Fal.NewScript(ProviderTestSettings.GenerationAppId).Then(FalJobPlan.Succeeds(width: 64, height: 48));
        Fal.NewScript(ProviderTestSettings.EditingAppId).Then(FalJobPlan.Succeeds(width: 64, height: 48));
        Fal.NewScript(ProviderTestSettings.RefineAppId).Then(FalJobPlan.EchoesInputImage());
        Fal.NewScript(ProviderTestSettings.VideoAppId).Then(FalJobPlan.SucceedsWithVideo());
        Fal.NewScript(ProviderTestSettings.ImageToVideoAppId).Then(FalJobPlan.SucceedsWithVideo());
        Fal.NewScript(ProviderTestSettings.LlmAppId).Then(FalJobPlan.SucceedsWithText("sample answer", promptTokens: 11, completionTokens: 4));
        Fal.NewScript(ProviderTestSettings.VisionLlmAppId).Then(FalJobPlan.SucceedsWithText("sample answer", promptTokens: 11, completionTokens: 4));
        Fal.NewScript(ProviderTestSettings.BackgroundRemovalAppId).Then(FalJobPlan.SucceedsWithCutout());
        Fal.NewScript(ProviderTestSettings.DetailEnhancerAppId).Then(FalJobPlan.Succeeds(width: 16, height: 12));
        Fal.NewScript(ProviderTestSettings.FaceEnhancerAppId).Then(FalJobPlan.EchoesInputImage(1));
        Fal.NewScript(ProviderTestSettings.FaceDetailAppId).Then(FalJobPlan.EchoesInputImage(1));
    }

    private static JsonObject Refine(string app, double? factor, string? capabilities)
    {
        var body = SampleBodies.For("REFINE");
        body["provider_config"] = new JsonObject { ["fal_app_id"] = app };
        if (factor is { } value)
        {
            body["upscale_factor"] = value;
        }

        if (capabilities is not null)
        {
            body["active_provider_capabilities"] = new JsonArray([.. capabilities.Split(',').Select(c => (JsonNode?)JsonValue.Create(c))]);
        }

        return body;
    }

    private FakeFalServer Fal => fixture.Fal;

    private static string NewApp() => FakeFalFixture.NewAppId();

    private HttpClient Client() => fixture.Client("t-" + Guid.NewGuid().ToString("N"));

    private static async Task<JsonObject> RunAsync(HttpClient client, JsonObject body)
    {
        var id = (await ApiCalls.CreateAsync(client, body))["id"]!.GetValue<string>();
        return await ApiCalls.WaitForAsync(client, id, ApiCalls.IsTerminal, Long);
    }

    /// <summary>How many submits to <paramref name="app"/> carried an image_url of the given size (a size only one test uses).</summary>
    private async Task<int> CountSubmitsOfSizeAsync(string app, int width, int height)
    {
        var count = 0;
        foreach (var input in Fal.SubmittedInputs(app))
        {
            if (await TrySizeAsync(input["image_url"]) == (width, height))
            {
                count++;
            }
        }

        return count;
    }

    private async Task<(int Width, int Height)> SizeOfDataUriAsync(JsonNode? node)
    {
        var url = Text(node);
        Assert.True(url is not null && url.StartsWith("data:image/", StringComparison.Ordinal), $"expected an image data URI, got {Shorten(url)}");
        var size = await TrySizeAsync(node);
        Assert.True(size is not null, $"undecodable image: {Shorten(url)}");
        return size!.Value;
    }

    private async Task<(int Width, int Height)?> TrySizeAsync(JsonNode? node)
    {
        var bytes = await Fal.ImageBytesAsync(Text(node));
        if (bytes is null)
        {
            return null;
        }

        try
        {
            var info = Image.Identify(bytes);
            return info is null ? null : (info.Width, info.Height);
        }
        catch (Exception ex) when (ex is UnknownImageFormatException or InvalidImageContentException)
        {
            return null;
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string Shorten(string? text) => text is null ? "(none)" : text.Length <= 80 ? text : text[..80] + "…";

    private static string Path(JsonObject task, string field, string expected)
    {
        Assert.Equal(expected, task[field]?.GetValue<string>());
        return expected;
    }

    private static void AssertCompleted(JsonObject final) =>
        Assert.True(final["status"]!.GetValue<string>() == "COMPLETED", $"task ended {final.ToJsonString()}");

    private static Image<Rgba32> AssertPng(byte[] bytes, int width, int height)
    {
        Assert.True(bytes.AsSpan().StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "not a PNG");
        return AssertPngOrImage(bytes, width, height);
    }

    private static Image<Rgba32> AssertPngOrImage(byte[] bytes, int width, int height)
    {
        var image = Image.Load<Rgba32>(bytes);
        Assert.Equal((width, height), (image.Width, image.Height));
        return image;
    }

    private static void AssertHasTransparentPixel(Image<Rgba32> image)
    {
        using (image)
        {
            var transparent = false;
            image.ProcessPixelRows(accessor =>
            {
                for (var y = 0; y < accessor.Height && !transparent; y++)
                {
                    foreach (var pixel in accessor.GetRowSpan(y))
                    {
                        transparent |= pixel.A == 0;
                    }
                }
            });
            Assert.True(transparent, "expected a fully transparent pixel (a cut-out with alpha)");
        }
    }

    private static void AssertMp4(byte[] bytes)
    {
        Assert.True(bytes.Length >= 12, $"only {bytes.Length.ToString(CultureInfo.InvariantCulture)} bytes");
        Assert.Equal("ftyp", System.Text.Encoding.ASCII.GetString(bytes, 4, 4));
    }

    private static async Task AssertNothingCreatedAsync(HttpClient client)
    {
        var (status, list) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + "?include_deleted=true");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(list!.AsArray());
    }

    private Task<byte[]> DownloadAsync(string path) => TaskBlobs.DownloadAsync(fixture.StorageConnectionString, path);
}
