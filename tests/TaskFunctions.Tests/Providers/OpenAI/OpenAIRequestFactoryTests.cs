using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Providers.OpenAI;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Workflow;
using TaskFunctions.Tests.Infrastructure;
using TaskFunctions.Tests.Infrastructure.FakeOpenAI;

namespace TaskFunctions.Tests.Providers.OpenAI;

/// <summary>How tasks become OpenAI requests; stored inputs are read back from Azurite blobs.</summary>
[Collection("Azurite")]
public sealed class OpenAIRequestFactoryTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task CreateAsync_LlmWithImages_MapsSystemUserAndImageParts()
    {
        await using var provider = await BuildAsync();
        var id = Guid.NewGuid().ToString();
        var png = await StoreAsync(provider, id, "img0", TestImages.SplitPng(8, 6));
        var jpeg = await StoreAsync(provider, id, "img1", TestImages.SplitJpeg(4, 4));
        var task = new LLMInteractionTaskPublic { Id = id, Prompt = "What is shown?", SystemPrompt = "You describe images.", InputImages = [png, jpeg] };

        var request = await Factory(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        Assert.Equal(OpenAIClient.ChatEndpoint, request.Endpoint);
        Assert.Equal("gpt-4o-mini", request.Input["model"]!.GetValue<string>());
        var messages = request.Input["messages"]!.AsArray();
        Assert.Equal(2, messages.Count);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["role"] = "system", ["content"] = "You describe images." }, messages[0]));
        Assert.Equal("user", messages[1]!["role"]!.GetValue<string>());
        var parts = messages[1]!["content"]!.AsArray();
        Assert.Equal(3, parts.Count);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["type"] = "text", ["text"] = "What is shown?" }, parts[0]));
        Assert.Equal(["image_url", "image_url"], parts.Skip(1).Select(p => p!["type"]!.GetValue<string>()));
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(TestImages.SplitPng(8, 6)), parts[1]!["image_url"]!["url"]!.GetValue<string>());
        Assert.StartsWith("data:image/jpeg;base64,", parts[2]!["image_url"]!["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("auto", parts[2]!["image_url"]!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateAsync_LlmWithoutImagesOrSystemPrompt_SendsPromptAsUserText()
    {
        await using var provider = await BuildAsync();
        var task = new LLMInteractionTaskPublic { Id = Guid.NewGuid().ToString(), Prompt = "Say hi." };

        var request = await Factory(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        var expected = new JsonObject
        {
            ["model"] = "gpt-4o-mini",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Say hi." }),
        };
        Assert.True(JsonNode.DeepEquals(expected, request.Input), request.Input.ToJsonString());
    }

    [Fact]
    public async Task CreateAsync_ModelOverrideAndParameters_MergedOverBody()
    {
        await using var provider = await BuildAsync();
        var task = new LLMInteractionTaskPublic
        {
            Id = Guid.NewGuid().ToString(),
            Prompt = "x",
            ProviderConfig = new JsonObject
            {
                ["model"] = "gpt-4.1",
                ["parameters"] = new JsonObject { ["temperature"] = 0.1, ["max_tokens"] = 64, ["response_format"] = new JsonObject { ["type"] = "json_object" } },
            },
        };

        var request = await Factory(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        Assert.Equal("gpt-4.1", request.Input["model"]!.GetValue<string>());
        Assert.Equal(0.1, request.Input["temperature"]!.GetValue<double>());
        Assert.Equal(64, request.Input["max_tokens"]!.GetValue<int>());
        Assert.Equal("json_object", request.Input["response_format"]!["type"]!.GetValue<string>());
        Assert.NotNull(request.Input["messages"]);
    }

    [Fact]
    public async Task CreateAsync_ConfiguredModels_UsedPerKind()
    {
        await using var provider = await BuildAsync(new()
        {
            ["Providers:OpenAI:Models:LLM_INTERACTION"] = "my-chat-deployment",
            ["Providers:OpenAI:Models:GENERATION"] = "dall-e-3",
        });

        var chat = await Factory(provider).CreateAsync(new LLMInteractionTaskPublic { Id = Guid.NewGuid().ToString(), Prompt = "x" }, JobPart.Main, CancellationToken.None);
        var generation = await Factory(provider).CreateAsync(new GenerationTaskPublic { Id = Guid.NewGuid().ToString(), Prompt = "x" }, JobPart.Main, CancellationToken.None);

        Assert.Equal("my-chat-deployment", chat.Input["model"]!.GetValue<string>());
        Assert.Equal("dall-e-3", generation.Input["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateAsync_Generation_MapsPromptNearestSizeAndParameters()
    {
        await using var provider = await BuildAsync();
        var task = new GenerationTaskPublic
        {
            Id = Guid.NewGuid().ToString(),
            Prompt = "a red bicycle",
            Width = 1280,
            Height = 720,
            Seed = 42,
            ProviderConfig = new JsonObject { ["parameters"] = new JsonObject { ["quality"] = "high", ["n"] = 2 } },
        };

        var request = await Factory(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        Assert.Equal(OpenAIClient.GenerationsEndpoint, request.Endpoint);
        var expected = new JsonObject { ["model"] = "gpt-image-1", ["prompt"] = "a red bicycle", ["n"] = 2, ["size"] = "1536x1024", ["quality"] = "high" };
        Assert.True(JsonNode.DeepEquals(expected, request.Input), request.Input.ToJsonString());
    }

    [Fact]
    public async Task CreateAsync_GenerationWithoutSize_SendsNoSize()
    {
        await using var provider = await BuildAsync();

        var request = await Factory(provider).CreateAsync(new GenerationTaskPublic { Id = Guid.NewGuid().ToString(), Prompt = "x", Width = 512 }, JobPart.Main, CancellationToken.None);

        Assert.Null(request.Input["size"]);
    }

    [Fact]
    public async Task CreateAsync_GenerationWithReferenceImage_BecomesEdit()
    {
        await using var provider = await BuildAsync();
        var id = Guid.NewGuid().ToString();
        var reference = await StoreAsync(provider, id, "reference", TestImages.SplitPng(8, 6));
        var task = new GenerationTaskPublic { Id = id, Prompt = "in this style", ReferenceImagePath = reference };

        var request = await Factory(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        Assert.Equal(OpenAIClient.EditsEndpoint, request.Endpoint);
        Assert.Equal([TestImages.PngDataUrl(8, 6)], request.Input[OpenAIClient.ImagesKey]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task CreateAsync_Editing_PutsBaseThenReferencesAsDataUris()
    {
        await using var provider = await BuildAsync();
        var id = Guid.NewGuid().ToString();
        var baseImage = await StoreAsync(provider, id, "base", TestImages.SplitPng(8, 6));
        var reference = await StoreAsync(provider, id, "ref0", TestImages.SplitJpeg(4, 4));
        var task = new EditingTaskPublic
        {
            Id = id,
            Prompt = "make it blue",
            BaseImagePath = baseImage,
            ReferenceImages = [reference],
            Width = 768,
            Height = 1024,
            ProviderConfig = new JsonObject { ["parameters"] = new JsonObject { [OpenAIClient.ImagesKey] = "ignored", ["input_fidelity"] = "high" } },
        };

        var request = await Factory(provider).CreateAsync(task, JobPart.Main, CancellationToken.None);

        Assert.Equal(OpenAIClient.EditsEndpoint, request.Endpoint);
        Assert.Equal("make it blue", request.Input["prompt"]!.GetValue<string>());
        Assert.Equal("1024x1536", request.Input["size"]!.GetValue<string>());
        Assert.Equal("high", request.Input["input_fidelity"]!.GetValue<string>());
        var images = request.Input[OpenAIClient.ImagesKey]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal(2, images.Count);
        Assert.Equal(TestImages.PngDataUrl(8, 6), images[0]);
        Assert.StartsWith("data:image/jpeg;base64,", images[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_EditingWithMissingInput_ThrowsValidation()
    {
        await using var provider = await BuildAsync();
        var task = new EditingTaskPublic { Id = Guid.NewGuid().ToString(), Prompt = "x", BaseImagePath = "editings/nope/inputs/base" };

        var error = await Assert.ThrowsAsync<ProviderException>(() => Factory(provider).CreateAsync(task, JobPart.Main, CancellationToken.None));

        Assert.Equal(ErrorCategory.VALIDATION, error.Failure.Category);
    }

    [Theory]
    [InlineData(JobPartKind.Image)]
    [InlineData(JobPartKind.Upscale)]
    [InlineData(JobPartKind.Mask)]
    public async Task CreateAsync_OtherPart_ThrowsInternal(JobPartKind kind)
    {
        await using var provider = await BuildAsync();
        var task = new GenerationTaskPublic { Id = Guid.NewGuid().ToString(), Prompt = "x" };

        var error = await Assert.ThrowsAsync<ProviderException>(() => Factory(provider).CreateAsync(task, new JobPart(kind), CancellationToken.None));

        Assert.Equal((ErrorCategory.INTERNAL, false), (error.Failure.Category, error.Failure.Retryable));
    }

    [Fact]
    public async Task CreateAsync_EditingThroughClient_StoresInlineResultImage()
    {
        await using var fake = await FakeOpenAIServer.StartAsync();
        var model = FakeOpenAIFixture.NewModel();
        fake.Script(model).Then(OpenAIPlan.Succeeds(width: 24, height: 16));
        await using var provider = await BuildAsync(new()
        {
            ["Providers:OpenAI:BaseUrl"] = fake.BaseUrl.AbsoluteUri,
            ["Providers:OpenAI:ApiKey"] = fake.ApiKey,
            ["Providers:OpenAI:Models:EDITING"] = model,
        });
        var id = Guid.NewGuid().ToString();
        var baseImage = await StoreAsync(provider, id, "base", TestImages.SplitPng(8, 6));
        var reference = await StoreAsync(provider, id, "ref0", TestImages.SplitPng(4, 4));
        var task = new EditingTaskPublic { Id = id, Prompt = "make it blue", BaseImagePath = baseImage, ReferenceImages = [reference], Width = 1024, Height = 1024 };
        var log = new ServiceRequestLog(ProviderType.OPENAI, 1, TimeProvider.System);
        var registry = provider.GetRequiredService<JobProviderRegistry>();

        var request = await registry.RequestFactory(ProviderType.OPENAI, TaskType.EDITING).CreateAsync(task, JobPart.Main, CancellationToken.None);
        var output = await registry.Caller(ProviderType.OPENAI).CallAsync(request, log, CancellationToken.None);
        var outcome = await provider.GetRequiredService<ProviderResultWriter>().WriteAsync(task, output, JobPart.Main, CancellationToken.None);

        var call = Assert.Single(fake.Calls(model));
        Assert.Equal(2, call.Files("image[]").Count);
        Assert.Equal("1024x1024", call.Json!["size"]!.GetValue<string>());
        Assert.True(outcome.Succeeded, outcome.Error);
        var path = outcome.Results!["result_image_path"].GetString()!;
        Assert.True(BlobPath.TryParse(path, out var blob));
        await using var stored = await provider.GetRequiredService<IBlobStore>().OpenReadAsync(blob.Container, blob.Name, CancellationToken.None);
        using var image = await SixLabors.ImageSharp.Image.LoadAsync(stored!);
        Assert.Equal((24, 16), (image.Width, image.Height));
    }

    [Fact]
    public async Task CreateAsync_LlmThroughClient_ReturnsTextAndTokens()
    {
        await using var fake = await FakeOpenAIServer.StartAsync();
        var model = FakeOpenAIFixture.NewModel();
        fake.Script(model).Then(OpenAIPlan.Succeeds("Two foxes.", promptTokens: 30, completionTokens: 3));
        await using var provider = await BuildAsync(new()
        {
            ["Providers:OpenAI:Mode"] = "azure",
            ["Providers:OpenAI:ApiVersion"] = "2024-10-21",
            ["Providers:OpenAI:BaseUrl"] = fake.AzureBaseUrl.AbsoluteUri,
            ["Providers:OpenAI:ApiKey"] = fake.ApiKey,
        });
        var task = new LLMInteractionTaskPublic { Id = Guid.NewGuid().ToString(), Prompt = "How many?", ProviderConfig = new JsonObject { ["model"] = model } };
        var registry = provider.GetRequiredService<JobProviderRegistry>();

        var request = await registry.RequestFactory(ProviderType.OPENAI, TaskType.LLM_INTERACTION).CreateAsync(task, JobPart.Main, CancellationToken.None);
        var output = await registry.Caller(ProviderType.OPENAI).CallAsync(request, new ServiceRequestLog(ProviderType.OPENAI, 1, TimeProvider.System), CancellationToken.None);
        var outcome = await provider.GetRequiredService<ProviderResultWriter>().WriteAsync(task, output, JobPart.Main, CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal("Two foxes.", outcome.Results!["result_text"].GetString());
        Assert.Equal((30, 3), (outcome.Results["input_tokens"].GetInt32(), outcome.Results["output_tokens"].GetInt32()));
        Assert.True(Assert.Single(fake.Calls(model)).Azure);
    }

    private Task<ServiceProvider> BuildAsync(Dictionary<string, string?>? settings = null) =>
        CoreServices.BuildAsync(azurite.ConnectionString, services => services.AddTaskFunctionsOpenAI(), settings);

    private static OpenAIRequestFactory Factory(IServiceProvider provider) =>
        (OpenAIRequestFactory)provider.GetServices<IJobRequestFactory>().Single(f => f.Provider == ProviderType.OPENAI);

    private static async Task<string> StoreAsync(IServiceProvider provider, string taskId, string name, byte[] bytes)
    {
        using var content = new MemoryStream(bytes);
        return await provider.GetRequiredService<IBlobStore>().UploadAsync(TaskBlobs.StagedInputsContainer, $"{taskId}/inputs/{name}", content, "application/octet-stream");
    }
}
