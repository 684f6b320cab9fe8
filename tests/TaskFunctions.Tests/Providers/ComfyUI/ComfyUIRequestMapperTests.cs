using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Providers.ComfyUI;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;
using TaskFunctions.Tests.Infrastructure.FakeComfyUI;

namespace TaskFunctions.Tests.Providers.ComfyUI;

/// <summary>How tasks become ComfyUI requests, per kind and part; stored inputs are read back from Azurite blobs.</summary>
[Collection("Azurite")]
public sealed class ComfyUIRequestMapperTests(AzuriteFixture azurite)
{
    private static readonly string TextToImagePath = ComfyUITestGraphs.Path("txt2img.json");
    private static readonly string ImagePath = ComfyUITestGraphs.Path("image-to-image.json");

    [Fact]
    public async Task CreateAsync_GenerationWithKindDefault_InjectsPromptSeedAndSize()
    {
        await using var provider = await BuildAsync(new() { ["Providers:ComfyUI:Workflows:GENERATION"] = TextToImagePath });
        var task = new GenerationTaskPublic { Id = Guid.NewGuid().ToString(), Prompt = "a red bicycle", Width = 640, Height = 480, Seed = 42 };

        var request = await Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        Assert.Equal("GENERATION", request.Endpoint);
        var graph = request.Input[ComfyUIRequestMapper.GraphMember]!;
        Assert.Equal("a red bicycle", graph["6"]!["inputs"]!["text"]!.GetValue<string>());
        Assert.Equal(42, graph["3"]!["inputs"]!["seed"]!.GetValue<long>());
        Assert.Equal(640, graph["5"]!["inputs"]!["width"]!.GetValue<long>());
        Assert.Empty(request.Input[ComfyUIRequestMapper.UploadsMember]!.AsArray());
    }

    [Fact]
    public async Task CreateAsync_InlineWorkflow_WinsOverNamedAndDefault()
    {
        await using var provider = await BuildAsync(new() { ["Providers:ComfyUI:Workflows:GENERATION"] = ImagePath, ["Providers:ComfyUI:Workflows:other"] = ImagePath });
        var task = new GenerationTaskPublic
        {
            Id = Guid.NewGuid().ToString(),
            Prompt = "x",
            ProviderConfig = new JsonObject { ["workflow"] = ComfyUITestGraphs.TextToImage(), ["workflow_name"] = "other", ["negative_prompt"] = "blurry" },
        };

        var request = await Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        Assert.Equal(ComfyUIRequestMapper.InlineEndpoint, request.Endpoint);
        Assert.Equal("blurry", request.Input["prompt"]!["7"]!["inputs"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateAsync_WorkflowName_UsesTheNamedWorkflow()
    {
        await using var provider = await BuildAsync(new() { ["Providers:ComfyUI:Workflows:sdxl"] = await File.ReadAllTextAsync(TextToImagePath) });
        var task = new GenerationTaskPublic { Id = Guid.NewGuid().ToString(), Prompt = "x", ProviderConfig = new JsonObject { ["workflow_name"] = "sdxl" } };

        var request = await Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        Assert.Equal("sdxl", request.Endpoint);
        Assert.Equal("x", request.Input["prompt"]!["6"]!["inputs"]!["text"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(null, "no ComfyUI workflow for GENERATION: set provider_config.workflow or workflow_name")]
    [InlineData("{\"workflow_name\":\"missing\"}", "no workflow 'missing' is configured")]
    [InlineData("{\"workflow\":{\"nodes\":[],\"links\":[]}}", "Save (API Format)")]
    [InlineData("{\"workflow\":\"not an object\"}", "provider_config.workflow")]
    public async Task CreateAsync_NoUsableWorkflow_ThrowsValidation(string? config, string expected)
    {
        await using var provider = await BuildAsync([]);
        var task = new GenerationTaskPublic { Id = Guid.NewGuid().ToString(), Prompt = "x", ProviderConfig = config is null ? null : JsonNode.Parse(config) };

        var ex = await Assert.ThrowsAsync<ProviderException>(() => Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None));

        Assert.Equal((ErrorCategory.VALIDATION, false), (ex.Failure.Category, ex.Failure.Retryable));
        Assert.Contains(expected, ex.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_Editing_UploadsBaseAndReferenceImages()
    {
        await using var provider = await BuildAsync([]);
        var id = Guid.NewGuid().ToString();
        var baseImage = await StoreAsync(provider, id, "base", TestImages.SplitPng(8, 6));
        var reference = await StoreAsync(provider, id, "ref0", TestImages.SplitJpeg(4, 4));
        var workflow = ComfyUITestGraphs.ImageToImage();
        workflow["4"] = new JsonObject { ["class_type"] = "LoadImage", ["inputs"] = new JsonObject { ["image"] = "r.png" }, ["_meta"] = new JsonObject { ["title"] = "input_reference_image" } };
        workflow["5"] = new JsonObject { ["class_type"] = "CLIPTextEncode", ["inputs"] = new JsonObject { ["text"] = "", ["clip"] = new JsonArray("4", 1) }, ["_meta"] = new JsonObject { ["title"] = "input_prompt" } };
        var task = new EditingTaskPublic
        {
            Id = id,
            Prompt = "make it blue",
            BaseImagePath = baseImage,
            ReferenceImages = [reference],
            Width = 8,
            Height = 6,
            ProviderConfig = new JsonObject { ["workflow"] = workflow },
        };

        var request = await Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        var uploads = request.Input["uploads"]!.AsArray();
        Assert.Equal(["1", "4"], uploads.Select(u => u!["node"]!.GetValue<string>()));
        Assert.Equal([$"tf-{id}-result-image.png", $"tf-{id}-result-reference-image.jpg"], uploads.Select(u => u!["name"]!.GetValue<string>()));
        Assert.StartsWith("data:image/jpeg;base64,", uploads[1]!["data"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("make it blue", request.Input["prompt"]!["5"]!["inputs"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateAsync_EditingWorkflowWithoutPromptNode_ThrowsValidation()
    {
        await using var provider = await BuildAsync(new() { ["Providers:ComfyUI:Workflows:EDITING"] = ImagePath });
        var id = Guid.NewGuid().ToString();
        var task = new EditingTaskPublic { Id = id, Prompt = "make it blue", BaseImagePath = await StoreAsync(provider, id, "base", TestImages.SplitPng(8, 6)) };

        var ex = await Assert.ThrowsAsync<ProviderException>(() => Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None));

        Assert.Equal(ErrorCategory.VALIDATION, ex.Failure.Category);
    }

    [Theory]
    [InlineData(2.0, null, null, 2.0, null, null)]
    [InlineData(1.5, null, null, 1.5, null, null)]
    [InlineData(null, 300, null, null, 300, 150)]
    [InlineData(null, null, null, null, 200, 100)]
    public async Task CreateAsync_RefineUpscale_SetsFactorOrOutputSize(double? factor, int? targetWidth, int? targetHeight, double? expectedFactor, int? expectedWidth, int? expectedHeight)
    {
        await using var provider = await BuildAsync(new() { ["Providers:ComfyUI:Workflows:REFINE"] = ImagePath });
        var id = Guid.NewGuid().ToString();
        var stored = await StoreAsync(provider, id, "base", TestImages.SplitPng(100, 50));
        var workflow = ComfyUITestGraphs.ImageToImage();
        workflow["2"]!["_meta"]!["title"] = "input_upscale_factor";
        workflow["6"] = new JsonObject { ["class_type"] = "ImageScale", ["inputs"] = new JsonObject { ["width"] = 1, ["height"] = 1 }, ["_meta"] = new JsonObject { ["title"] = "input_width" } };
        workflow["7"] = new JsonObject { ["class_type"] = "ImageScale", ["inputs"] = new JsonObject { ["width"] = 1, ["height"] = 1 }, ["_meta"] = new JsonObject { ["title"] = "input_height" } };
        var create = new CreateRefineTask
        {
            OriginInstance = "tests",
            BaseImageUrl = "https://images.example/a.png",
            UpscaleFactor = factor,
            TargetWidth = targetWidth,
            TargetHeight = targetHeight,
            UpscaleSeed = 5,
            ProviderConfig = new JsonObject { ["workflow"] = workflow },
        };
        var task = create.ToPublic(id, "tenant", DateTimeOffset.UtcNow, new Dictionary<string, string> { ["base_image_url"] = stored });

        var request = await Mapper(provider).CreateAsync(task, new JobPart(JobPartKind.Upscale), CancellationToken.None);

        var graph = request.Input["prompt"]!;
        Assert.Equal(expectedFactor ?? 1.0, graph["2"]!["inputs"]!["scale_by"]!.Deserialize<double>());
        Assert.Equal(expectedWidth ?? 1, graph["6"]!["inputs"]!["width"]!.Deserialize<int>());
        Assert.Equal(expectedHeight ?? 1, graph["7"]!["inputs"]!["height"]!.Deserialize<int>());
        Assert.Equal($"tf-{id}-upscaled-image.png", request.Input["uploads"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateAsync_RefineFaceDetail_UsesFaceEnhancerDefaultOverThePreviousOutput()
    {
        await using var provider = await BuildAsync(new() { ["Providers:ComfyUI:Workflows:FACE_ENHANCER"] = ImagePath, ["Providers:ComfyUI:Workflows:REFINE"] = TextToImagePath });
        var id = Guid.NewGuid().ToString();
        var stored = await StoreAsync(provider, id, "base", TestImages.SplitPng(10, 10));
        var upscaled = await StoreAsync(provider, id, "upscaled", TestImages.SplitJpeg(20, 20));
        var task = new CreateRefineTask { OriginInstance = "tests", BaseImageUrl = "https://images.example/a.png", FaceDetailEnabled = true }
            .ToPublic(id, "tenant", DateTimeOffset.UtcNow, new Dictionary<string, string> { ["base_image_url"] = stored });

        var request = await Mapper(provider).CreateAsync(task, new JobPart(JobPartKind.FaceDetail, Source: upscaled), CancellationToken.None);

        Assert.Equal("FACE_ENHANCER", request.Endpoint);
        var upload = request.Input["uploads"]![0]!;
        Assert.Equal($"tf-{id}-face-detailed-image.jpg", upload["name"]!.GetValue<string>());
        Assert.StartsWith("data:image/jpeg;base64,", upload["data"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_RefineFaceDetailWorkflowName_WinsOverDefault()
    {
        await using var provider = await BuildAsync(new() { ["Providers:ComfyUI:Workflows:FACE_ENHANCER"] = TextToImagePath, ["Providers:ComfyUI:Workflows:faces"] = ImagePath });
        var id = Guid.NewGuid().ToString();
        var stored = await StoreAsync(provider, id, "base", TestImages.SplitPng(10, 10));
        var task = new CreateRefineTask
        {
            OriginInstance = "tests",
            BaseImageUrl = "https://images.example/a.png",
            FaceDetailEnabled = true,
            ProviderConfig = new JsonObject { ["face_detail_workflow_name"] = "faces" },
        }.ToPublic(id, "tenant", DateTimeOffset.UtcNow, new Dictionary<string, string> { ["base_image_url"] = stored });

        var request = await Mapper(provider).CreateAsync(task, new JobPart(JobPartKind.FaceDetail), CancellationToken.None);

        Assert.Equal("faces", request.Endpoint);
    }

    [Fact]
    public async Task CreateAsync_BackgroundRemovalImage_UploadsTheIndexedImage()
    {
        await using var provider = await BuildAsync(new() { ["Providers:ComfyUI:Workflows:BACKGROUND_REMOVAL"] = ImagePath });
        var id = Guid.NewGuid().ToString();
        var first = await StoreAsync(provider, id, "0", TestImages.SplitPng(4, 4));
        var second = await StoreAsync(provider, id, "1", TestImages.SplitJpeg(4, 4));
        var task = new BackgroundRemovalTaskPublic { Id = id, InputImagePaths = [first, second] };

        var request = await Mapper(provider).CreateAsync(task, new JobPart(JobPartKind.Image, 1), CancellationToken.None);

        var upload = Assert.Single(request.Input["uploads"]!.AsArray())!;
        Assert.Equal($"tf-{id}-result-1-image.jpg", upload["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateAsync_FaceAttempt_SeedIsTheAttempt()
    {
        await using var provider = await BuildAsync([]);
        var id = Guid.NewGuid().ToString();
        var workflow = ComfyUITestGraphs.ImageToImage();
        workflow["8"] = new JsonObject { ["class_type"] = "KSampler", ["inputs"] = new JsonObject { ["seed"] = 0 } };
        var task = new FaceEnhancerTaskPublic
        {
            Id = id,
            InputImagePath = await StoreAsync(provider, id, "input", TestImages.SplitPng(4, 4)),
            ProviderConfig = new JsonObject { ["workflow"] = workflow },
        };

        var request = await Mapper(provider).CreateAsync(task, new JobPart(JobPartKind.FaceAttempt, 3), CancellationToken.None);

        Assert.Equal(3, request.Input["prompt"]!["8"]!["inputs"]!["seed"]!.GetValue<long>());
        Assert.Equal($"tf-{id}-attempt-3-image.png", request.Input["uploads"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateAsync_DetailEnhancer_RequiresBaseAndReferenceNodes()
    {
        await using var provider = await BuildAsync(new() { ["Providers:ComfyUI:Workflows:DETAIL_ENHANCER"] = ImagePath });
        var id = Guid.NewGuid().ToString();
        var task = new DetailEnhancerTaskPublic
        {
            Id = id,
            BaseImagePath = await StoreAsync(provider, id, "base", TestImages.SplitPng(4, 4)),
            ReferenceImagePath = await StoreAsync(provider, id, "ref", TestImages.SplitPng(4, 4)),
            DetailLabel = "logo",
        };

        var ex = await Assert.ThrowsAsync<ProviderException>(() => Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None));

        Assert.Equal(ErrorCategory.VALIDATION, ex.Failure.Category);
        Assert.Contains("reference_image", ex.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_UnsupportedPart_ThrowsInternal()
    {
        await using var provider = await BuildAsync([]);
        var task = new GenerationTaskPublic { Id = Guid.NewGuid().ToString(), Prompt = "x" };

        var ex = await Assert.ThrowsAsync<ProviderException>(() => Mapper(provider).CreateAsync(task, new JobPart(JobPartKind.Upscale), CancellationToken.None));

        Assert.Equal(ErrorCategory.INTERNAL, ex.Failure.Category);
    }

    [Fact]
    public async Task CreateAsync_MappedRequest_RunsOnTheFakeWithUploadedImage()
    {
        await using var comfy = await FakeComfyUIServer.StartAsync();
        comfy.DefaultScript.Then(ComfyPlan.Succeeds(runningPolls: 0));
        await using var provider = await BuildAsync(new()
        {
            ["Providers:ComfyUI:BaseUrl"] = comfy.BaseUrl.AbsoluteUri,
            ["Providers:ComfyUI:Workflows:FACE_ENHANCER"] = ImagePath,
        });
        var id = Guid.NewGuid().ToString();
        var input = TestImages.SplitPng(12, 8);
        var task = new FaceEnhancerTaskPublic { Id = id, InputImagePath = await StoreAsync(provider, id, "input", input) };
        var client = provider.GetRequiredKeyedService<IJobProvider>(ProviderType.COMFYUI);
        var log = new ServiceRequestLog(ProviderType.COMFYUI, 1, TimeProvider.System);

        var request = await Mapper(provider).CreateAsync(task, new JobPart(JobPartKind.FaceAttempt, 1), CancellationToken.None);
        var job = await client.SubmitAsync(request, log, CancellationToken.None);
        var status = await client.GetStatusAsync(job, log, CancellationToken.None);
        var output = await client.GetResultAsync(job, log, CancellationToken.None);

        Assert.Equal(ProviderJobState.Completed, status.State);
        Assert.Equal($"tf-{id}-attempt-1-image.png", comfy.LastSubmittedGraph!["1"]!["inputs"]!["image"]!.GetValue<string>());
        Assert.Equal(input, comfy.UploadedFile($"tf-{id}-attempt-1-image.png"));
        Assert.Equal(TestImages.PixelAt(input, 0, 0), TestImages.PixelAt(Assert.Single(output.Files).Content!, 0, 0));
    }

    [Fact]
    public void Supports_ImageKinds_OnlyThose()
    {
        var mapper = new ComfyUIRequestMapper(null!, null!, null!);

        Assert.Equal(
            [TaskType.GENERATION, TaskType.EDITING, TaskType.REFINE, TaskType.BACKGROUND_REMOVAL, TaskType.DETAIL_ENHANCER, TaskType.FACE_ENHANCER],
            Enum.GetValues<TaskType>().Where(mapper.Supports).Order());
    }

    private static ComfyUIRequestMapper Mapper(IServiceProvider provider) =>
        (ComfyUIRequestMapper)provider.GetServices<IJobRequestFactory>().Single(f => f.Provider == ProviderType.COMFYUI);

    private async Task<ServiceProvider> BuildAsync(Dictionary<string, string?> settings) =>
        await CoreServices.BuildAsync(azurite.ConnectionString, services => services.AddTaskFunctionsComfyUI(), settings);

    private static async Task<string> StoreAsync(IServiceProvider provider, string taskId, string name, byte[] bytes)
    {
        using var content = new MemoryStream(bytes);
        return await provider.GetRequiredService<IBlobStore>().UploadAsync(TaskBlobs.StagedInputsContainer, $"{taskId}/inputs/{name}", content, "application/octet-stream");
    }
}
