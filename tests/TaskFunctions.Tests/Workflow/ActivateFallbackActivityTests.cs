using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Workflow.Activities;
using TaskFunctions.Tests.Infrastructure;
using static TaskFunctions.Tests.Workflow.ActivityTestTasks;

namespace TaskFunctions.Tests.Workflow;

/// <summary>ActivateFallback on Azurite: provider_type, provider_config and active capabilities become the fallback's, once.</summary>
[Collection("Azurite")]
public sealed class ActivateFallbackActivityTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task RunAsync_TaskWithFallback_SwitchesProviderConfigAndCapabilities()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider, WithFallback(task =>
            task.Internal.ActiveJob = new ProviderJobRecord { AttemptKey = "0:3", Job = new ProviderJob(ProviderType.FAL, "fal-ai/app", "job-3") }));

        var changed = await provider.GetRequiredService<ActivateFallbackActivity>().RunAsync(id);

        Assert.True(changed);
        var task = await ReadAsync(provider, id);
        Assert.Equal((ProviderType?)ProviderType.REPLICATE, task.ProviderType);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"model":"owner/model","version":"v2"}"""), task.ProviderConfig), task.ProviderConfig?.ToJsonString());
        Assert.Equal(["UPSCALE_2X", "UPSCALE_4X"], task.ActiveProviderCapabilities!);
        Assert.True(task.Internal.FallbackUsed);
        Assert.Null(task.Internal.ActiveJob);
        Assert.Equal(Now, task.UpdatedAt);
        Assert.Equal(TaskState.RUNNING, task.Status);
        // The fallback's own fields stay as they were, so the switch can be read back later.
        Assert.Equal((ProviderType?)ProviderType.REPLICATE, task.FallbackProviderType);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"model":"owner/model","version":"v2"}"""), task.FallbackProviderConfig));
        Assert.Equal(["UPSCALE_2X", "UPSCALE_4X"], task.FallbackProviderCapabilities!);
        Assert.Equal(Now, (await ReadStoredAsync(provider, id)).UpdatedAt);
    }

    [Fact]
    public async Task RunAsync_FallbackWithoutConfigOrCapabilities_ClearsThePrimarysOnes()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider, WithFallback(task =>
        {
            task.FallbackProviderConfig = null;
            task.FallbackProviderCapabilities = null;
        }));

        var changed = await provider.GetRequiredService<ActivateFallbackActivity>().RunAsync(id);

        Assert.True(changed);
        var task = await ReadAsync(provider, id);
        Assert.Equal((ProviderType?)ProviderType.REPLICATE, task.ProviderType);
        Assert.Null(task.ProviderConfig);
        Assert.Null(task.ActiveProviderCapabilities);
        Assert.True(task.Internal.FallbackUsed);
    }

    [Fact]
    public async Task RunAsync_DeliveredTwice_SecondChangesNothing()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider, WithFallback());
        var activity = provider.GetRequiredService<ActivateFallbackActivity>();

        var first = await activity.RunAsync(id);
        var afterFirst = await ReadStoredAsync(provider, id);
        var second = await activity.RunAsync(id);

        Assert.True(first);
        Assert.False(second);
        var afterSecond = await ReadStoredAsync(provider, id);
        Assert.Equal(afterFirst.ETag, afterSecond.ETag);
        Assert.Equal(afterFirst.Document, afterSecond.Document);
        Assert.Equal((ProviderType?)ProviderType.REPLICATE, TaskJson.DeserializeDocument(afterSecond.Document).ProviderType);
    }

    [Fact]
    public async Task RunAsync_NoFallbackConfigured_NothingWritten()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider, task => task.ProviderConfig = JsonNode.Parse("""{"app":"fal-ai/app"}"""));
        var before = await ReadStoredAsync(provider, id);

        var changed = await provider.GetRequiredService<ActivateFallbackActivity>().RunAsync(id);

        Assert.False(changed);
        await AssertStillOnPrimaryAsync(provider, id, before);
    }

    [Theory]
    [InlineData(TaskState.CANCELLED, false)]
    [InlineData(TaskState.COMPLETED, false)]
    [InlineData(TaskState.FAILED, false)]
    [InlineData(TaskState.RUNNING, true)]
    public async Task RunAsync_TaskEndedOrCleanedUp_NothingWritten(TaskState status, bool cleanedUp)
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider, WithFallback(task =>
        {
            task.Status = status;
            task.Internal.IsDeleted = cleanedUp;
        }));
        var before = await ReadStoredAsync(provider, id);

        var changed = await provider.GetRequiredService<ActivateFallbackActivity>().RunAsync(id);

        Assert.False(changed);
        await AssertStillOnPrimaryAsync(provider, id, before);
    }

    [Fact]
    public async Task RunAsync_TaskRecordGone_ReturnsFalseAndCreatesNothing()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = Guid.NewGuid().ToString();

        var changed = await provider.GetRequiredService<ActivateFallbackActivity>().RunAsync(id);

        Assert.False(changed);
        Assert.Null(await provider.GetRequiredService<ITaskStore>().GetAsync(id));
    }

    /// <summary>Primary FAL with its config and capabilities, fallback REPLICATE with its own; then <paramref name="more"/>.</summary>
    private static Action<TaskPublicBase> WithFallback(Action<TaskPublicBase>? more = null) => task =>
    {
        task.ProviderType = ProviderType.FAL;
        task.ProviderConfig = JsonNode.Parse("""{"app":"fal-ai/app"}""");
        task.ActiveProviderCapabilities = ["UPSCALE_8X"];
        task.FallbackProviderType = ProviderType.REPLICATE;
        task.FallbackProviderConfig = JsonNode.Parse("""{"model":"owner/model","version":"v2"}""");
        task.FallbackProviderCapabilities = ["UPSCALE_2X", "UPSCALE_4X"];
        more?.Invoke(task);
    };

    /// <summary>Nothing was written: same ETag, still on FAL, no fallback flag.</summary>
    private static async Task AssertStillOnPrimaryAsync(ServiceProvider provider, string id, StoredTask before)
    {
        var after = await ReadStoredAsync(provider, id);
        Assert.Equal(before.ETag, after.ETag);
        var task = TaskJson.DeserializeDocument(after.Document);
        Assert.Equal((ProviderType?)ProviderType.FAL, task.ProviderType);
        Assert.False(task.Internal.FallbackUsed);
    }
}
