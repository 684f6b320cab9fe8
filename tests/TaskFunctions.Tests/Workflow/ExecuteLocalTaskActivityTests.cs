using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SixLabors.ImageSharp;
using TaskFunctions.Core;
using TaskFunctions.Core.Inputs;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Telemetry;
using TaskFunctions.Core.Workflow;
using TaskFunctions.Core.Workflow.Activities;
using TaskFunctions.Tests.Images.Subject;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Workflow;

/// <summary>The LOCAL executor activity on real Azurite storage: result blob, outcome, span and latency metric.</summary>
[Collection("Azurite")]
public sealed class ExecuteLocalTaskActivityTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task RunAsync_ImageAdjusterTask_StoresResultAndReportsSpanAndLatency()
    {
        await using var provider = await ServicesAsync();
        var (taskId, _) = await CreateImageAdjusterAsync(provider, TestImages.PngBase64(90, 60), 30, 30);
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(TaskTelemetry.SourceName).AddInMemoryExporter(spans).Build();
        using var meters = Sdk.CreateMeterProviderBuilder().AddMeter(TaskTelemetry.SourceName).AddInMemoryExporter(metrics).Build();

        var outcome = await provider.GetRequiredService<ExecuteLocalTaskActivity>().RunAsync(new LocalTaskInput(taskId));

        Assert.True(outcome.Succeeded, outcome.Error);
        var path = outcome.Results!["result_image_path"].GetString()!;
        Assert.Equal($"image-adjustments/{taskId}/result.png", path);
        await using (var stream = await provider.GetRequiredService<IBlobStore>().OpenReadAsync("image-adjustments", $"{taskId}/result.png"))
        {
            using var image = await Image.LoadAsync(stream!);
            Assert.Equal((30, 30), (image.Width, image.Height));
        }

        tracing!.ForceFlush();
        meters!.ForceFlush();
        var span = Assert.Single(spans, s => s.OperationName == "executor.local" && (string?)s.GetTagItem(TaskTelemetry.TaskIdTag) == taskId);
        Assert.Equal("LOCAL", span.GetTagItem(TaskTelemetry.ProviderTag));
        Assert.Contains(metrics, m => m.Name == "provider.latency");
    }

    [Fact]
    public async Task RunAsync_InputIsNotDecodable_FailsAsValidation()
    {
        await using var provider = await ServicesAsync();
        // The stored input went bad after it was checked (or was written by something else): the executor must
        // classify the decode failure as VALIDATION, not crash. Written straight to the blob, past the ingestor.
        var (taskId, _) = await CreateImageAdjusterAsync(provider, TestImages.PngBase64(64, 48), 30, 30);
        await CorruptInputAsync(provider, taskId);

        var outcome = await provider.GetRequiredService<ExecuteLocalTaskActivity>().RunAsync(new LocalTaskInput(taskId));

        Assert.False(outcome.Succeeded);
        Assert.Equal(ErrorCategory.VALIDATION, outcome.Category);
        Assert.StartsWith("input_image:", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ReferenceImageHasNoSubject_FailsAsValidationNamingReferenceImage()
    {
        await using var provider = await ServicesAsync();
        // A uniform reference has no subject to take margins from: the refusal is the reference's, not the input's.
        using var uniform = SubjectImages.Plain(40, 40, SubjectImages.White);
        var (taskId, _) = await CreateImageAdjusterAsync(provider, TestImages.PngBase64(64, 48), 30, 30, Convert.ToBase64String(TestImages.Png(uniform)));

        var outcome = await provider.GetRequiredService<ExecuteLocalTaskActivity>().RunAsync(new LocalTaskInput(taskId));

        Assert.False(outcome.Succeeded);
        Assert.Equal(ErrorCategory.VALIDATION, outcome.Category);
        Assert.Equal("reference_image: no subject could be detected (the image is uniform)", outcome.Error);
    }

    [Fact]
    public async Task RunAsync_InputUndecodableWithGoodReference_FailsAsValidationNamingInputImage()
    {
        await using var provider = await ServicesAsync();
        using var reference = SubjectImages.Plain(40, 40, SubjectImages.White).With(new Rectangle(10, 10, 20, 20), SubjectImages.Red);
        var (taskId, _) = await CreateImageAdjusterAsync(provider, TestImages.PngBase64(64, 48), 30, 30, Convert.ToBase64String(TestImages.Png(reference)));
        await CorruptInputAsync(provider, taskId);

        var outcome = await provider.GetRequiredService<ExecuteLocalTaskActivity>().RunAsync(new LocalTaskInput(taskId));

        Assert.False(outcome.Succeeded);
        Assert.Equal(ErrorCategory.VALIDATION, outcome.Category);
        Assert.StartsWith("input_image: ", outcome.Error, StringComparison.Ordinal);
    }

    private Task<ServiceProvider> ServicesAsync() => CoreServices.BuildAsync(azurite.ConnectionString);

    /// <summary>Overwrites the stored input with a PNG signature and junk, past the ingestor's checks.</summary>
    private static async Task CorruptInputAsync(IServiceProvider provider, string taskId)
    {
        var stored = (ImageAdjusterTaskPublic)TaskJson.DeserializeDocument((await provider.GetRequiredService<ITaskStore>().GetAsync(taskId))!.Document);
        var slash = stored.InputImagePath.IndexOf('/', StringComparison.Ordinal);
        using var garbage = new MemoryStream([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5, 6, 7, 8]);
        await provider.GetRequiredService<IBlobStore>().UploadAsync(stored.InputImagePath[..slash], stored.InputImagePath[(slash + 1)..], garbage, "image/png");
    }

    private static async Task<(string TaskId, StoredTask Stored)> CreateImageAdjusterAsync(IServiceProvider provider, string image, int width, int height, string? reference = null)
    {
        var request = new CreateImageAdjusterTask { OriginInstance = "tests", InputImage = image, ReferenceImage = reference, TargetWidth = width, TargetHeight = height, Mode = "crop" };
        var ingestor = provider.GetRequiredService<InputIngestor>();
        var plan = await ingestor.PlanAsync(request, CancellationToken.None);
        Assert.Empty(plan.Errors);
        var taskId = Guid.NewGuid().ToString();
        var paths = await ingestor.StoreAsync(plan, "image-adjustments", taskId, CancellationToken.None);
        var document = request.ToPublic(taskId, "tenant", DateTimeOffset.UtcNow, paths);
        document.Status = TaskState.RUNNING;
        var stored = SeedTasks.Stored(document, "tenant");
        await provider.GetRequiredService<ITaskStore>().CreateAsync(stored);
        return (taskId, stored);
    }
}
