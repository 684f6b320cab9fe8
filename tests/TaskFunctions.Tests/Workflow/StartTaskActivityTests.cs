using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Workflow;
using TaskFunctions.Core.Workflow.Activities;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Workflow;

/// <summary>StartTask on Azurite: PENDING → RUNNING, and the plan each kind gets (stages checked against their own capabilities, shapes).</summary>
[Collection("Azurite")]
public sealed class StartTaskActivityTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task RunAsync_RefineFallbackLacksTheCapability_FallbackStageIsSkippedNamingIt()
    {
        await using var provider = await CoreServices.BuildAsync(azurite.ConnectionString);
        var id = await StoreAsync(provider, new CreateRefineTask
        {
            OriginInstance = "tests",
            BaseImageUrl = "https://images.example/a.png",
            UpscaleFactor = 8,
            ProviderType = ProviderType.FAL,
            ActiveProviderCapabilities = ["UPSCALE_8X"],
            FallbackProviderType = ProviderType.REPLICATE,
            FallbackProviderCapabilities = ["UPSCALE_2X", "UPSCALE_4X"],
        });

        var start = await provider.GetRequiredService<StartTaskActivity>().RunAsync(id);

        Assert.True(start.Proceed);
        var plan = start.Plan!;
        Assert.Equal(WorkflowShape.Passes, plan.Shape);
        Assert.True(plan.Upscale);
        Assert.False(plan.FaceDetail);
        Assert.Equal(StageExecutor.Job, plan.Stages[0].Executor);
        Assert.Equal((ProviderType?)ProviderType.REPLICATE, plan.Stages[1].Provider);
        Assert.Equal(StageExecutor.Missing, plan.Stages[1].Executor);
        Assert.Equal(ErrorCategory.VALIDATION, plan.Stages[1].SkipCategory);
        Assert.Contains("UPSCALE_8X", plan.Stages[1].MissingMessage, StringComparison.Ordinal);
        var stored = TaskJson.DeserializeDocument((await provider.GetRequiredService<ITaskStore>().GetAsync(id))!.Document);
        Assert.Equal(TaskState.RUNNING, stored.Status);
    }

    [Fact]
    public async Task RunAsync_RefineWithoutCapabilities_UsesTheConfiguredOnesOfTheDefaultApp()
    {
        await using var provider = await CoreServices.BuildAsync(azurite.ConnectionString, extraSettings: new Dictionary<string, string?>
        {
            ["Providers:Fal:Capabilities:REFINE"] = "UPSCALE_2X",
        });
        var id = await StoreAsync(provider, new CreateRefineTask { OriginInstance = "tests", BaseImageUrl = "https://images.example/a.png", UpscaleFactor = 1.5 });

        var plan = (await provider.GetRequiredService<StartTaskActivity>().RunAsync(id)).Plan!;

        var stage = Assert.Single(plan.Stages);
        Assert.Equal(StageExecutor.Missing, stage.Executor);
        Assert.Contains("UPSCALE_FLOAT", stage.MissingMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Kinds_GetTheirShapes()
    {
        await using var provider = await CoreServices.BuildAsync(azurite.ConnectionString);
        var activity = provider.GetRequiredService<StartTaskActivity>();

        var removal = (await activity.RunAsync(await StoreAsync(provider, new CreateBackgroundRemovalTask { OriginInstance = "tests", InputImagePaths = ["a", "b", "c"] }))).Plan!;
        var face = (await activity.RunAsync(await StoreAsync(provider, new CreateFaceEnhancerTask { OriginInstance = "tests", InputImage = "a" }))).Plan!;
        var fix = (await activity.RunAsync(await StoreAsync(provider, new CreateBackgroundFixTask { OriginInstance = "tests", BaseImage = "a", PaletteImage = "b" }))).Plan!;
        var llm = (await activity.RunAsync(await StoreAsync(provider, new CreateLLMInteractionTask { OriginInstance = "tests", Prompt = "hi", ProviderType = ProviderType.OPENAI }))).Plan!;

        Assert.Equal((WorkflowShape.Batch, 3), (removal.Shape, removal.BatchSize));
        Assert.Equal(WorkflowShape.QualityLoop, face.Shape);
        Assert.Equal(new QualityGate(3, 0.85), face.Quality);
        Assert.Equal(StageExecutor.Local, Assert.Single(fix.Stages).Executor);
        Assert.Equal((ProviderType?)ProviderType.FAL, fix.MaskStage!.Provider);
        Assert.Equal(StageExecutor.Call, Assert.Single(llm.Stages).Executor);
    }

    [Theory]
    [InlineData(true, false, true)]
    [InlineData(true, true, false)]
    [InlineData(false, false, false)]
    public async Task RunAsync_TaskCancelledWhilePending_OwesItsWebhookOnce(bool hasWebhook, bool alreadyTried, bool owed)
    {
        await using var provider = await CoreServices.BuildAsync(azurite.ConnectionString);
        var request = new CreateGenerationTask { OriginInstance = "tests", Prompt = "x", WebhookUrl = hasWebhook ? "https://hooks.example/h" : null };
        var id = await StoreAsync(provider, request, task =>
        {
            task.Status = TaskState.CANCELLED;
            task.Internal.Webhook = alreadyTried ? new WebhookDeliveryState { WebhookId = "msg_1", State = "delivered" } : null;
        });

        var start = await provider.GetRequiredService<StartTaskActivity>().RunAsync(id);

        Assert.False(start.Proceed);
        Assert.Null(start.Plan);
        Assert.Equal(owed, start.DeliverWebhook);
    }

    private static async Task<string> StoreAsync(IServiceProvider provider, CreateTaskBase request, Action<TaskPublicBase>? change = null)
    {
        var id = Guid.NewGuid().ToString();
        var document = request.ToPublic(id, "tenant", DateTimeOffset.UtcNow, new Dictionary<string, string>());
        change?.Invoke(document);
        await provider.GetRequiredService<ITaskStore>().CreateAsync(SeedTasks.Stored(document, "tenant"));
        return id;
    }
}
