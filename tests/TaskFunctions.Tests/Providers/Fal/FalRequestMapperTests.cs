using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Providers.Fal;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Providers.Fal;

/// <summary>How tasks become fal inputs; stored inputs are read back from Azurite blobs.</summary>
[Collection("Azurite")]
public sealed class FalRequestMapperTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task CreateAsync_Generation_MapsPromptSizeSeedLorasAndDefaultApp()
    {
        await using var provider = await CoreServices.BuildAsync(azurite.ConnectionString);
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

        Assert.Equal(new FalOptions().GenerationAppId, request.Endpoint);
        Assert.Equal("a red bicycle", request.Input["prompt"]!.GetValue<string>());
        Assert.Equal(640, request.Input["image_size"]!["width"]!.GetValue<int>());
        Assert.Equal(42, request.Input["seed"]!.GetValue<long>());
        var lora = Assert.Single(request.Input["loras"]!.AsArray())!;
        Assert.Equal(0.7, lora["scale"]!.GetValue<double>());
    }

    [Fact]
    public async Task CreateAsync_ProviderConfigParameters_MergedOverMappedInput()
    {
        await using var provider = await CoreServices.BuildAsync(azurite.ConnectionString);
        var task = new GenerationTaskPublic
        {
            Id = Guid.NewGuid().ToString(),
            Prompt = "x",
            ProviderConfig = new JsonObject { ["fal_app_id"] = "owner/configured", ["fal_parameters"] = new JsonObject { ["num_images"] = 2, ["guidance_scale"] = 3.5 } },
        };

        var request = await Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        Assert.Equal("owner/configured", request.Endpoint);
        Assert.Equal(2, request.Input["num_images"]!.GetValue<int>());
        Assert.Equal(3.5, request.Input["guidance_scale"]!.GetValue<double>());
    }

    [Fact]
    public async Task CreateAsync_TaskAppIdAndConfigAppId_TaskWinsUntilFallback()
    {
        await using var provider = await CoreServices.BuildAsync(azurite.ConnectionString);
        var task = new GenerationTaskPublic { Id = Guid.NewGuid().ToString(), Prompt = "x", FalAppId = "owner/task", ProviderConfig = new JsonObject { ["fal_app_id"] = "owner/config" } };

        var primary = await Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);
        task.Internal.FallbackUsed = true;
        var fallback = await Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        Assert.Equal("owner/task", primary.Endpoint);
        Assert.Equal("owner/config", fallback.Endpoint);
    }

    [Fact]
    public async Task CreateAsync_Editing_SendsStoredImagesAsDataUris()
    {
        await using var provider = await CoreServices.BuildAsync(azurite.ConnectionString);
        var id = Guid.NewGuid().ToString();
        var baseImage = await StoreAsync(provider, id, "base", TestImages.SplitPng(8, 6));
        using var referenceImage = TestImages.Split(4, 4, TestImages.Red, TestImages.Blue);
        var reference = await StoreAsync(provider, id, "ref0", TestImages.Jpeg(referenceImage));
        var task = new EditingTaskPublic { Id = id, Prompt = "make it blue", BaseImagePath = baseImage, ReferenceImages = [reference], Width = 8, Height = 6 };

        var request = await Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        Assert.Equal(new FalOptions().EditingAppId, request.Endpoint);
        Assert.StartsWith("data:image/png;base64,", request.Input["image_url"]!.GetValue<string>(), StringComparison.Ordinal);
        var urls = request.Input["image_urls"]!.AsArray();
        Assert.Equal(2, urls.Count);
        Assert.StartsWith("data:image/jpeg;base64,", urls[1]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_RefineWithTargetSizeOnly_AsksForOutputSize()
    {
        await using var provider = await CoreServices.BuildAsync(azurite.ConnectionString);
        var id = Guid.NewGuid().ToString();
        var stored = await StoreAsync(provider, id, "base", TestImages.SplitPng(100, 50));
        var create = new CreateRefineTask { OriginInstance = "tests", BaseImageUrl = "https://images.example/a.png", TargetWidth = 300, TargetHeight = 100 };
        var task = create.ToPublic(id, "tenant", DateTimeOffset.UtcNow, new Dictionary<string, string> { ["base_image_url"] = stored });

        var request = await Mapper(provider).CreateAsync(task, new JobPart(JobPartKind.Upscale), CancellationToken.None);

        Assert.Null(request.Input["upscale_factor"]);
        Assert.Equal(300, request.Input["image_size"]!["width"]!.GetValue<int>());
        Assert.Equal(100, request.Input["image_size"]!["height"]!.GetValue<int>());
        Assert.StartsWith("data:image/png;base64,", request.Input["image_url"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_ExperimentalFal_PassesParametersThroughUnchanged()
    {
        await using var provider = await CoreServices.BuildAsync(azurite.ConnectionString);
        var parameters = new JsonObject { ["prompt"] = "a cat", ["nested"] = new JsonObject { ["x"] = new JsonArray(1, 2) } };
        var task = new ExperimentalFalTaskPublic { Id = Guid.NewGuid().ToString(), FalAppId = "fal-ai/any/app", FalParameters = parameters };

        var request = await Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        Assert.Equal("fal-ai/any/app", request.Endpoint);
        Assert.True(JsonNode.DeepEquals(parameters, request.Input));
    }

    [Fact]
    public async Task CreateAsync_StoredInputMissing_ThrowsValidation()
    {
        await using var provider = await CoreServices.BuildAsync(azurite.ConnectionString);
        var task = new EditingTaskPublic { Id = Guid.NewGuid().ToString(), Prompt = "x", BaseImagePath = "editings/nothing/here.png" };

        var ex = await Assert.ThrowsAsync<ProviderException>(() => Mapper(provider).CreateAsync(task, JobPart.Main, CancellationToken.None));

        Assert.Equal(ErrorCategory.VALIDATION, ex.Failure.Category);
        Assert.False(ex.Failure.MayRetry);
    }

    private static FalRequestMapper Mapper(IServiceProvider provider) =>
        (FalRequestMapper)provider.GetServices<IJobRequestFactory>().Single(f => f.Provider == ProviderType.FAL);

    private static async Task<string> StoreAsync(IServiceProvider provider, string taskId, string name, byte[] bytes)
    {
        using var content = new MemoryStream(bytes);
        return await provider.GetRequiredService<IBlobStore>().UploadAsync(TaskBlobs.StagedInputsContainer, $"{taskId}/inputs/{name}", content, "application/octet-stream");
    }
}
