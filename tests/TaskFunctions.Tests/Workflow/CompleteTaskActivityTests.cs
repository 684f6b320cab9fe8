using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Workflow;
using TaskFunctions.Core.Workflow.Activities;
using TaskFunctions.Tests.Infrastructure;
using static TaskFunctions.Tests.Workflow.ActivityTestTasks;

namespace TaskFunctions.Tests.Workflow;

/// <summary>CompleteTask on Azurite: RUNNING → COMPLETED with the executor's fields; an ended task keeps its state and a late result's files are removed.</summary>
[Collection("Azurite")]
public sealed class CompleteTaskActivityTests(AzuriteFixture azurite)
{
    private const string Container = TaskBlobs.StagedInputsContainer;

    [Fact]
    public async Task RunAsync_RunningTask_CompletedWithResultFieldsAndIndexAgrees()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider, task =>
        {
            task.Progress = 40;
            task.Internal.ActiveJob = new ProviderJobRecord { AttemptKey = "0:1", Job = new ProviderJob(ProviderType.FAL, "fal-ai/app", "job-1") };
            task.Internal.ServiceRequests = [new ServiceRequestRecord("FAL", "POST", "https://queue.fal.run/fal-ai/app", 200, 5, "job-1", 1, Seeded).ToJson()];
        });
        var resultPath = await UploadAsync(provider, $"{id}/result.png");
        var call = new ServiceRequestRecord("FAL", "GET", "https://queue.fal.run/fal-ai/app/requests/job-1", 200, 12.3, "job-1", 1, Now);

        var changed = await provider.GetRequiredService<CompleteTaskActivity>().RunAsync(
            new CompleteTaskInput(id, Results(("result_image_path", resultPath), ("fal_request_id", "job-1")), [call]));

        Assert.True(changed);
        var task = Assert.IsType<GenerationTaskPublic>(await ReadAsync(provider, id));
        Assert.Equal(TaskState.COMPLETED, task.Status);
        Assert.Equal(resultPath, task.ResultImagePath);
        Assert.Equal("job-1", task.FalRequestId);
        Assert.Equal("a red bicycle", task.Prompt);
        Assert.Equal(100, task.Progress);
        Assert.Equal(Now, task.CompletedAt);
        Assert.Equal(Now, task.UpdatedAt);
        Assert.Equal(Seeded, task.StartedAt);
        Assert.Null(task.Internal.ActiveJob);
        Assert.Equal(["POST", "GET"], task.Internal.ServiceRequests!.Select(r => r["method"]!.GetValue<string>()));
        Assert.Equal("https://queue.fal.run/fal-ai/app/requests/job-1", task.Internal.ServiceRequests![1]["url"]!.GetValue<string>());

        var stored = await ReadStoredAsync(provider, id);
        Assert.Equal((TaskState.COMPLETED, Now), (stored.Status, stored.UpdatedAt));
        var completed = await ListedAsync(provider, TaskState.COMPLETED);
        Assert.Contains(id, completed.Tenant);
        Assert.Contains(id, completed.Global);
        var running = await ListedAsync(provider, TaskState.RUNNING);
        Assert.DoesNotContain(id, running.Tenant);
        Assert.DoesNotContain(id, running.Global);
        Assert.True(await ExistsAsync(provider, resultPath));
    }

    [Fact]
    public async Task RunAsync_NoServiceRequests_JournalKeptAsItWas()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider, task =>
            task.Internal.ServiceRequests = [new ServiceRequestRecord("FAL", "POST", "https://queue.fal.run/fal-ai/app", 200, 5, "job-1", 1, Seeded).ToJson()]);

        var changed = await provider.GetRequiredService<CompleteTaskActivity>().RunAsync(new CompleteTaskInput(id, Results(("fal_request_id", "job-9")), []));

        Assert.True(changed);
        var task = await ReadAsync(provider, id);
        Assert.Equal(TaskState.COMPLETED, task.Status);
        var only = Assert.Single(task.Internal.ServiceRequests!);
        Assert.Equal("POST", only["method"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(TaskState.CANCELLED)]
    [InlineData(TaskState.FAILED)]
    [InlineData(TaskState.COMPLETED)]
    public async Task RunAsync_TaskAlreadyEnded_StateKeptAndLateResultFilesDeleted(TaskState ended)
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider, task =>
        {
            task.Status = ended;
            task.CompletedAt = Seeded;
        });
        var otherId = Guid.NewGuid().ToString();
        var late = await UploadAsync(provider, $"{id}/result.png");
        var input = await UploadAsync(provider, $"{id}/inputs/reference.png");
        var foreign = await UploadAsync(provider, $"{otherId}/result.png");
        var before = await ReadStoredAsync(provider, id);

        var changed = await provider.GetRequiredService<CompleteTaskActivity>().RunAsync(new CompleteTaskInput(id, Results(
            ("result_image_path", late),
            ("reference_image_path", input),
            ("subject_model_path", foreign),
            ("fal_app_id", $"https://cdn.example/{id}/result.png"))));

        Assert.False(changed);
        var after = await ReadStoredAsync(provider, id);
        Assert.Equal(before.ETag, after.ETag);
        Assert.Equal(before.Document, after.Document);
        Assert.Equal(ended, after.Status);
        Assert.False(await ExistsAsync(provider, late));
        Assert.True(await ExistsAsync(provider, input));
        Assert.True(await ExistsAsync(provider, foreign));
    }

    [Fact]
    public async Task RunAsync_TaskCleanedUpWhileRunning_LeftAloneAndLateResultFileDeleted()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider, task =>
        {
            task.Internal.IsDeleted = true;
            task.Internal.DeletedAt = Seeded;
        });
        var late = await UploadAsync(provider, $"{id}/result.png");
        var before = await ReadStoredAsync(provider, id);

        var changed = await provider.GetRequiredService<CompleteTaskActivity>().RunAsync(new CompleteTaskInput(id, Results(("result_image_path", late))));

        Assert.False(changed);
        var after = await ReadStoredAsync(provider, id);
        Assert.Equal(before.ETag, after.ETag);
        Assert.Equal(TaskState.RUNNING, after.Status);
        Assert.False(await ExistsAsync(provider, late));
    }

    [Fact]
    public async Task RunAsync_TaskRecordGone_ReturnsFalseAndDeletesLateResultFile()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = Guid.NewGuid().ToString();
        var late = await UploadAsync(provider, $"{id}/result.png");

        var changed = await provider.GetRequiredService<CompleteTaskActivity>().RunAsync(new CompleteTaskInput(id, Results(("result_image_path", late))));

        Assert.False(changed);
        Assert.Null(await provider.GetRequiredService<ITaskStore>().GetAsync(id));
        Assert.False(await ExistsAsync(provider, late));
    }

    [Fact]
    public async Task RunAsync_SameCompletionDeliveredTwice_SecondChangesNothingAndKeepsTheResultFile()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider);
        var resultPath = await UploadAsync(provider, $"{id}/result.png");
        var call = new ServiceRequestRecord("FAL", "GET", "https://queue.fal.run/fal-ai/app/requests/job-1", 200, 12.3, "job-1", 1, Now);
        var input = new CompleteTaskInput(id, Results(("result_image_path", resultPath)), [call]);
        var activity = provider.GetRequiredService<CompleteTaskActivity>();

        var first = await activity.RunAsync(input);
        var afterFirst = await ReadStoredAsync(provider, id);
        var second = await activity.RunAsync(input);

        Assert.True(first);
        Assert.False(second);
        var afterSecond = await ReadStoredAsync(provider, id);
        Assert.Equal(afterFirst.ETag, afterSecond.ETag);
        var task = Assert.IsType<GenerationTaskPublic>(TaskJson.DeserializeDocument(afterSecond.Document));
        Assert.Equal((TaskState.COMPLETED, resultPath), (task.Status, task.ResultImagePath));
        Assert.Single(task.Internal.ServiceRequests!);
        Assert.True(await ExistsAsync(provider, resultPath), "A re-delivered completion must not delete the files its own first delivery recorded.");
    }

    private static Dictionary<string, JsonElement> Results(params (string Name, string Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => JsonSerializer.SerializeToElement(f.Value));

    private static async Task<string> UploadAsync(IServiceProvider provider, string name)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes("png bytes of " + name));
        return await provider.GetRequiredService<IBlobStore>().UploadAsync(Container, name, content, "image/png");
    }

    private static async Task<bool> ExistsAsync(IServiceProvider provider, string path)
    {
        Assert.True(BlobPath.TryParse(path, out var blob));
        return await provider.GetRequiredService<IBlobStore>().GetPropertiesAsync(blob.Container, blob.Name) is not null;
    }
}
