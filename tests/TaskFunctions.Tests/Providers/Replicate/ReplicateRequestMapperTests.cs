using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Providers.Replicate;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;
using TaskFunctions.Tests.Infrastructure.FakeReplicate;

namespace TaskFunctions.Tests.Providers.Replicate;

/// <summary>How tasks become Replicate model inputs; stored inputs are read back from Azurite blobs.</summary>
[Collection("Azurite")]
public sealed class ReplicateRequestMapperTests(AzuriteFixture azurite)
{
    private static readonly ReplicateOptions Defaults = new();

    [Fact]
    public async Task CreateAsync_Generation_MapsFluxInputsAndDefaultModel()
    {
        await using var provider = await BuildAsync();
        var task = new GenerationTaskPublic
        {
            Id = Guid.NewGuid().ToString(),
            Prompt = "a red bicycle",
            Width = 640,
            Height = 480,
            Seed = 42,
            SubjectModelPath = "https://models.example/subject.safetensors",
            SubjectLoraWeight = 0.7,
        };

        var request = await Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        Assert.Equal("black-forest-labs/flux-dev", request.Endpoint);
        Assert.Equal("a red bicycle", request.Input["prompt"]!.GetValue<string>());
        Assert.Equal("4:3", request.Input["aspect_ratio"]!.GetValue<string>());
        Assert.Equal(42, request.Input["seed"]!.GetValue<long>());
        Assert.Equal("png", request.Input["output_format"]!.GetValue<string>());
        Assert.Equal("https://models.example/subject.safetensors", request.Input["lora_weights"]!.GetValue<string>());
        Assert.Equal(0.7, request.Input["lora_scale"]!.GetValue<double>());
        Assert.Null(request.Input["image"]);
    }

    [Fact]
    public async Task CreateAsync_ConfiguredModelSetting_IsUsed()
    {
        await using var provider = await BuildAsync(new() { ["Providers:Replicate:Models:GENERATION"] = "acme/painter:v42" });

        var request = await Mapper(provider).CreateAsync(new GenerationTaskPublic { Id = Guid.NewGuid().ToString(), Prompt = "x" }, JobPart.Main, CancellationToken.None);

        Assert.Equal("acme/painter:v42", request.Endpoint);
    }

    [Fact]
    public async Task CreateAsync_ProviderConfigModelVersionAndInput_OverrideAndMerge()
    {
        await using var provider = await BuildAsync();
        var task = new GenerationTaskPublic
        {
            Id = Guid.NewGuid().ToString(),
            Prompt = "x",
            Width = 1024,
            Height = 1024,
            ProviderConfig = new JsonObject
            {
                ["model"] = "acme/painter",
                ["version"] = "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa",
                ["input"] = new JsonObject { ["aspect_ratio"] = "custom", ["guidance"] = 3.5, ["extra"] = new JsonArray(1, 2) },
            },
        };

        var request = await Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        Assert.Equal("acme/painter:5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa", request.Endpoint);
        Assert.Equal("custom", request.Input["aspect_ratio"]!.GetValue<string>());
        Assert.Equal(3.5, request.Input["guidance"]!.GetValue<double>());
        Assert.True(JsonNode.DeepEquals(new JsonArray(1, 2), request.Input["extra"]));
        Assert.Equal("x", request.Input["prompt"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateAsync_ProviderConfigVersionOnly_PinsTheConfiguredModel()
    {
        await using var provider = await BuildAsync();
        var task = new VideoGenerationTaskPublic { Id = Guid.NewGuid().ToString(), Prompt = "waves", ProviderConfig = new JsonObject { ["version"] = "abc123" } };

        var request = await Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        Assert.Equal("minimax/video-01:abc123", request.Endpoint);
        Assert.Equal("waves", request.Input["prompt"]!.GetValue<string>());
        Assert.Null(request.Input["first_frame_image"]);
    }

    [Theory]
    [InlineData("model", "not a model")]
    [InlineData("model", "https://evil.example/a/b")]
    [InlineData("version", "abc/../def")]
    public async Task CreateAsync_InvalidProviderConfigModel_ThrowsValidation(string field, string value)
    {
        await using var provider = await BuildAsync();
        var task = new GenerationTaskPublic { Id = Guid.NewGuid().ToString(), Prompt = "x", ProviderConfig = new JsonObject { [field] = value } };

        var ex = await Assert.ThrowsAsync<ProviderException>(() => Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None));

        Assert.Equal((ErrorCategory.VALIDATION, false), (ex.Failure.Category, ex.Failure.MayRetry));
        Assert.Contains($"provider_config.{field}", ex.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_Editing_SendsStoredBaseImageAsInputImage()
    {
        await using var provider = await BuildAsync();
        var id = Guid.NewGuid().ToString();
        var baseImage = await StoreAsync(provider, id, "base", TestImages.SplitPng(8, 6));
        var task = new EditingTaskPublic { Id = id, Prompt = "make it blue", BaseImagePath = baseImage, Seed = 7 };

        var request = await Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        Assert.Equal("black-forest-labs/flux-kontext-pro", request.Endpoint);
        Assert.StartsWith("data:image/png;base64,", request.Input["input_image"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("match_input_image", request.Input["aspect_ratio"]!.GetValue<string>());
        Assert.Equal(7, request.Input["seed"]!.GetValue<long>());
    }

    [Fact]
    public async Task CreateAsync_EditingWithReferences_ThrowsValidation()
    {
        await using var provider = await BuildAsync();
        var id = Guid.NewGuid().ToString();
        var baseImage = await StoreAsync(provider, id, "base", TestImages.SplitPng(8, 6));
        var task = new EditingTaskPublic { Id = id, Prompt = "x", BaseImagePath = baseImage, ReferenceImages = [baseImage] };

        var ex = await Assert.ThrowsAsync<ProviderException>(() => Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None));

        Assert.Equal(ErrorCategory.VALIDATION, ex.Failure.Category);
        Assert.StartsWith("reference_images", ex.Failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4.0, 4.0)]
    [InlineData(2.5, 2.5)]
    public async Task CreateAsync_RefineUpscaleByFactor_SendsScale(double factor, double scale)
    {
        await using var provider = await BuildAsync();
        var task = await RefineAsync(provider, new CreateRefineTask { OriginInstance = "tests", BaseImageUrl = "https://images.example/a.png", UpscaleFactor = factor });

        var request = await Mapper(provider).CreateAsync(task, new JobPart(JobPartKind.Upscale), CancellationToken.None);

        Assert.Equal(Defaults.ModelOf(TaskType.REFINE), request.Endpoint);
        Assert.StartsWith("nightmareai/real-esrgan:", request.Endpoint, StringComparison.Ordinal);
        Assert.Equal(scale, request.Input["scale"]!.GetValue<double>());
        Assert.False(request.Input["face_enhance"]!.GetValue<bool>());
        Assert.StartsWith("data:image/png;base64,", request.Input["image"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(300, 100, 3.0)]
    [InlineData(150, null, 1.5)]
    [InlineData(null, null, 2.0)]
    [InlineData(50, 25, 1.0)]
    public async Task CreateAsync_RefineOutputSize_SendsCoveringScale(int? width, int? height, double scale)
    {
        await using var provider = await BuildAsync();
        var task = await RefineAsync(provider, new CreateRefineTask { OriginInstance = "tests", BaseImageUrl = "https://images.example/a.png", TargetWidth = width, TargetHeight = height });

        var request = await Mapper(provider).CreateAsync(task, new JobPart(JobPartKind.Upscale), CancellationToken.None);

        Assert.Equal(scale, request.Input["scale"]!.GetValue<double>());
    }

    [Fact]
    public async Task CreateAsync_RefineFactorAboveTen_ThrowsValidation()
    {
        await using var provider = await BuildAsync();
        var task = await RefineAsync(provider, new CreateRefineTask { OriginInstance = "tests", BaseImageUrl = "https://images.example/a.png", UpscaleFactor = 12 });

        var ex = await Assert.ThrowsAsync<ProviderException>(() => Mapper(provider).CreateAsync(task, new JobPart(JobPartKind.Upscale), CancellationToken.None));

        Assert.Equal(ErrorCategory.VALIDATION, ex.Failure.Category);
    }

    [Fact]
    public async Task CreateAsync_RefineFaceDetailOverPreviousPass_UsesFaceEnhancerModelAndSource()
    {
        await using var provider = await BuildAsync();
        var task = await RefineAsync(provider, new CreateRefineTask
        {
            OriginInstance = "tests",
            BaseImageUrl = "https://images.example/a.png",
            FaceDetailEnabled = true,
            FaceDetailDenoise = 0.3,
            ProviderConfig = new JsonObject { ["model"] = "acme/upscaler", ["face_detail_input"] = new JsonObject { ["upscale"] = 2 } },
        });
        var upscaled = await StoreAsync(provider, task.Id, "upscaled", TestImages.SplitJpeg(20, 10));

        var upscale = await Mapper(provider).CreateAsync(task, new JobPart(JobPartKind.Upscale), CancellationToken.None);
        var request = await Mapper(provider).CreateAsync(task, new JobPart(JobPartKind.FaceDetail, Source: upscaled), CancellationToken.None);

        Assert.Equal("acme/upscaler", upscale.Endpoint);
        Assert.Equal(Defaults.ModelOf(TaskType.FACE_ENHANCER), request.Endpoint);
        Assert.StartsWith("data:image/jpeg;base64,", request.Input["image"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0.7, request.Input["codeformer_fidelity"]!.GetValue<double>());
        Assert.Equal(2, request.Input["upscale"]!.GetValue<int>());
    }

    [Fact]
    public async Task CreateAsync_RefineFaceDetailModelOverride_IsUsed()
    {
        await using var provider = await BuildAsync();
        var task = await RefineAsync(provider, new CreateRefineTask
        {
            OriginInstance = "tests",
            BaseImageUrl = "https://images.example/a.png",
            FaceDetailEnabled = true,
            ProviderConfig = new JsonObject { ["face_detail_model"] = "acme/faces:v1" },
        });

        var request = await Mapper(provider).CreateAsync(task, new JobPart(JobPartKind.FaceDetail), CancellationToken.None);

        Assert.Equal("acme/faces:v1", request.Endpoint);
        Assert.StartsWith("data:image/png;base64,", request.Input["image"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_VideoWithInputImage_SendsFirstFrameImage()
    {
        await using var provider = await BuildAsync();
        var id = Guid.NewGuid().ToString();
        var image = await StoreAsync(provider, id, "input", TestImages.SplitPng(8, 8));
        var task = new VideoGenerationTaskPublic { Id = id, Prompt = "waves", NegativePrompt = "blur", InputImagePath = image };

        var request = await Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        Assert.Equal("minimax/video-01", request.Endpoint);
        Assert.StartsWith("data:image/png;base64,", request.Input["first_frame_image"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(request.Input["prompt_optimizer"]!.GetValue<bool>());
    }

    [Fact]
    public async Task CreateAsync_LlmWithImagesAndModel_SendsPromptsImagesToConfiguredModel()
    {
        await using var provider = await BuildAsync();
        var id = Guid.NewGuid().ToString();
        var first = await StoreAsync(provider, id, "0", TestImages.SplitPng(4, 4));
        var second = await StoreAsync(provider, id, "1", TestImages.SplitJpeg(4, 4));
        var task = new LLMInteractionTaskPublic
        {
            Id = id,
            Prompt = "describe",
            SystemPrompt = "be brief",
            InputImages = [first, second],
            ProviderConfig = new JsonObject { ["model"] = "yorickvp/llava-13b:80537f9eead1a5bfa72d5ac6ea6414379be41d4d4f6679fd776e9535d1eb58bb", ["input"] = new JsonObject { ["max_tokens"] = 64 } },
        };

        var request = await Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        Assert.Equal("yorickvp/llava-13b:80537f9eead1a5bfa72d5ac6ea6414379be41d4d4f6679fd776e9535d1eb58bb", request.Endpoint);
        Assert.Equal(("describe", "be brief", 64), (request.Input["prompt"]!.GetValue<string>(), request.Input["system_prompt"]!.GetValue<string>(), request.Input["max_tokens"]!.GetValue<int>()));
        Assert.StartsWith("data:image/png;base64,", request.Input["image"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("data:image/jpeg;base64,", request.Input["images"]![1]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_LlmThroughFake_JoinsStreamedChunks()
    {
        await using var provider = await BuildAsync();
        await using var fake = await FakeReplicateServer.StartAsync();
        var model = FakeReplicateFixture.NewModel();
        fake.Script(model).Then(ReplicatePlan.SucceedsWithText(["Par", "is", "."], inputTokens: 9, outputTokens: 3));
        var task = new LLMInteractionTaskPublic { Id = Guid.NewGuid().ToString(), Prompt = "Capital of France?", ProviderConfig = new JsonObject { ["model"] = model } };
        await using var clientServices = ClientServices(fake);
        var client = clientServices.GetRequiredKeyedService<IJobProvider>(ProviderType.REPLICATE);
        var log = new ServiceRequestLog(ProviderType.REPLICATE, 1, TimeProvider.System);

        var request = await Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);
        var job = await client.SubmitAsync(request, log, CancellationToken.None);
        // The fake answers "processing" a scripted number of times, then "succeeded"; bounded so a bad script fails, not hangs.
        var polls = 0;
        while ((await client.GetStatusAsync(job, log, CancellationToken.None)).State != ProviderJobState.Completed)
        {
            Assert.True(++polls < 50, $"the prediction was not completed after {polls} polls");
        }

        var output = await client.GetResultAsync(job, log, CancellationToken.None);

        Assert.Equal("Capital of France?", Assert.Single(fake.CreatedInputs(model))["prompt"]!.GetValue<string>());
        Assert.Equal("Paris.", output.Text);
        Assert.Equal(new TokenUsage(9, 3), output.Usage);
    }

    [Fact]
    public async Task CreateAsync_BackgroundRemovalImagePart_SendsIndexedImage()
    {
        await using var provider = await BuildAsync();
        var id = Guid.NewGuid().ToString();
        var first = await StoreAsync(provider, id, "0", TestImages.SplitPng(4, 4));
        var second = await StoreAsync(provider, id, "1", TestImages.SplitJpeg(4, 4));
        var task = new BackgroundRemovalTaskPublic { Id = id, InputImagePaths = [first, second] };

        var request = await Mapper(provider).CreateAsync(task, new JobPart(JobPartKind.Image, 1), CancellationToken.None);

        Assert.StartsWith("851-labs/background-remover:", request.Endpoint, StringComparison.Ordinal);
        Assert.StartsWith("data:image/jpeg;base64,", request.Input["image"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(("png", "rgba"), (request.Input["format"]!.GetValue<string>(), request.Input["background_type"]!.GetValue<string>()));
    }

    [Fact]
    public async Task CreateAsync_DetailEnhancer_SendsBothImages()
    {
        await using var provider = await BuildAsync();
        var id = Guid.NewGuid().ToString();
        var baseImage = await StoreAsync(provider, id, "base", TestImages.SplitPng(4, 4));
        var reference = await StoreAsync(provider, id, "ref", TestImages.SplitJpeg(4, 4));
        var task = new DetailEnhancerTaskPublic { Id = id, BaseImagePath = baseImage, ReferenceImagePath = reference, DetailLabel = "logo" };

        var request = await Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        Assert.Equal("flux-kontext-apps/multi-image-kontext-pro", request.Endpoint);
        Assert.StartsWith("data:image/png;base64,", request.Input["input_image_1"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("data:image/jpeg;base64,", request.Input["input_image_2"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("the details of the logo", request.Input["prompt"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_FaceAttempts_VarySeedAndFidelity()
    {
        await using var provider = await BuildAsync();
        var id = Guid.NewGuid().ToString();
        var image = await StoreAsync(provider, id, "input", TestImages.SplitPng(8, 8));
        var task = new FaceEnhancerTaskPublic { Id = id, InputImagePath = image };

        var first = await Mapper(provider).CreateAsync(task, new JobPart(JobPartKind.FaceAttempt, 1), CancellationToken.None);
        var second = await Mapper(provider).CreateAsync(task, new JobPart(JobPartKind.FaceAttempt, 2), CancellationToken.None);

        Assert.StartsWith("sczhou/codeformer:", first.Endpoint, StringComparison.Ordinal);
        Assert.Equal((1, 0.5), (first.Input["seed"]!.GetValue<int>(), first.Input["codeformer_fidelity"]!.GetValue<double>()));
        Assert.Equal((2, 0.7), (second.Input["seed"]!.GetValue<int>(), Math.Round(second.Input["codeformer_fidelity"]!.GetValue<double>(), 6)));
        Assert.Equal(1, first.Input["upscale"]!.GetValue<int>());
    }

    [Fact]
    public async Task CreateAsync_StoredInputMissing_ThrowsValidation()
    {
        await using var provider = await BuildAsync();
        var task = new EditingTaskPublic { Id = Guid.NewGuid().ToString(), Prompt = "x", BaseImagePath = TaskKinds.Container(TaskType.EDITING) + "/nothing/here.png" };

        var ex = await Assert.ThrowsAsync<ProviderException>(() => Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None));

        Assert.Equal(ErrorCategory.VALIDATION, ex.Failure.Category);
    }

    [Fact]
    public async Task CreateAsync_UnsupportedPart_ThrowsInternal()
    {
        await using var provider = await BuildAsync();

        var ex = await Assert.ThrowsAsync<ProviderException>(() => Mapper(provider).CreateAsync(new GenerationTaskPublic { Id = "x" }, new JobPart(JobPartKind.Mask), CancellationToken.None));

        Assert.Equal(ErrorCategory.INTERNAL, ex.Failure.Category);
    }

    [Theory]
    [InlineData(TaskType.GENERATION, true)]
    [InlineData(TaskType.REFINE, true)]
    [InlineData(TaskType.FACE_ENHANCER, true)]
    [InlineData(TaskType.EXPERIMENTAL_FAL, false)]
    [InlineData(TaskType.IMAGE_ADJUSTER, false)]
    [InlineData(TaskType.BACKGROUND_FIX, false)]
    public async Task Supports_TaskType_MatchesReplicateKinds(TaskType taskType, bool expected)
    {
        await using var provider = await BuildAsync();

        Assert.Equal(expected, Mapper(provider).Supports(taskType));
    }

    [Theory]
    [InlineData(1024, 1024, "1:1")]
    [InlineData(1920, 1080, "16:9")]
    [InlineData(1080, 1920, "9:16")]
    [InlineData(1200, 800, "3:2")]
    [InlineData(2560, 1080, "21:9")]
    public void AspectRatio_Size_PicksNearestFluxRatio(int width, int height, string expected)
    {
        Assert.Equal(expected, ReplicateRequestMapper.AspectRatio(width, height));
    }

    private Task<ServiceProvider> BuildAsync(Dictionary<string, string?>? settings = null) =>
        CoreServices.BuildAsync(azurite.ConnectionString, services => services.AddTaskFunctionsReplicate(), settings);

    private static ServiceProvider ClientServices(FakeReplicateServer fake)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Providers:Replicate:BaseUrl"] = fake.BaseUrl.AbsoluteUri,
                ["Providers:Replicate:ApiToken"] = fake.ApiToken,
            })
            .Build());
        services.AddLogging();
        services.AddTaskFunctionsReplicate();
        return services.BuildServiceProvider();
    }

    private static async Task<RefineTaskPublic> RefineAsync(IServiceProvider provider, CreateRefineTask create)
    {
        var id = Guid.NewGuid().ToString();
        var stored = await StoreAsync(provider, id, "base", TestImages.SplitPng(100, 50));
        return (RefineTaskPublic)create.ToPublic(id, "tenant", DateTimeOffset.UtcNow, new Dictionary<string, string> { ["base_image_url"] = stored });
    }

    private static ReplicateRequestMapper Mapper(IServiceProvider provider) =>
        (ReplicateRequestMapper)provider.GetServices<IJobRequestFactory>().Single(f => f.Provider == ProviderType.REPLICATE);

    private static async Task<string> StoreAsync(IServiceProvider provider, string taskId, string name, byte[] bytes)
    {
        using var content = new MemoryStream(bytes);
        return await provider.GetRequiredService<IBlobStore>().UploadAsync(TaskBlobs.StagedInputsContainer, $"{taskId}/inputs/{name}", content, "application/octet-stream");
    }
}
