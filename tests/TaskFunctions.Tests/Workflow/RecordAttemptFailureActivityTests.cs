using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Workflow;
using TaskFunctions.Core.Workflow.Activities;
using TaskFunctions.Tests.Infrastructure;
using static TaskFunctions.Tests.Workflow.ActivityTestTasks;

namespace TaskFunctions.Tests.Workflow;

/// <summary>RecordAttemptFailure on Azurite: a failed attempt's message joins errors, retry_count counts the retry that follows; the task stays RUNNING.</summary>
[Collection("Azurite")]
public sealed class RecordAttemptFailureActivityTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task RunAsync_WillRetry_ErrorAppendedRetryCountedJobCleared()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider, task =>
        {
            task.Errors = ["FAL attempt 1: HTTP 500"];
            task.RetryCount = 1;
            task.Progress = 20;
            task.Internal.ActiveJob = new ProviderJobRecord { AttemptKey = "0:2", Job = new ProviderJob(ProviderType.FAL, "fal-ai/app", "job-2") };
        });

        var changed = await provider.GetRequiredService<RecordAttemptFailureActivity>().RunAsync(new AttemptFailureInput(id, "FAL attempt 2: HTTP 503", WillRetry: true));

        Assert.True(changed);
        var task = await ReadAsync(provider, id);
        Assert.Equal(["FAL attempt 1: HTTP 500", "FAL attempt 2: HTTP 503"], task.Errors!);
        Assert.Equal(2, task.RetryCount);
        Assert.Null(task.Internal.ActiveJob);
        Assert.Equal(Now, task.UpdatedAt);
        Assert.Equal(TaskState.RUNNING, task.Status);
        Assert.Null(task.ErrorCategory);
        Assert.Null(task.CompletedAt);
        Assert.Equal(20, task.Progress);
        var stored = await ReadStoredAsync(provider, id);
        Assert.Equal((TaskState.RUNNING, Now), (stored.Status, stored.UpdatedAt));
        Assert.Contains(id, (await ListedAsync(provider, TaskState.RUNNING)).Tenant);
    }

    [Fact]
    public async Task RunAsync_NoRetryLeft_ErrorAppendedRetryCountUnchanged()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider, task => task.RetryCount = 2);

        var changed = await provider.GetRequiredService<RecordAttemptFailureActivity>().RunAsync(new AttemptFailureInput(id, "FAL attempt 3: timed out", WillRetry: false));

        Assert.True(changed);
        var task = await ReadAsync(provider, id);
        Assert.Equal(["FAL attempt 3: timed out"], task.Errors!);
        Assert.Equal(2, task.RetryCount);
        Assert.Equal((TaskState.RUNNING, Now), (task.Status, task.UpdatedAt));
    }

    [Fact]
    public async Task RunAsync_SuccessiveAttempts_JournalKeepsOrderAndCountsOnlyRetries()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider);
        var activity = provider.GetRequiredService<RecordAttemptFailureActivity>();

        await activity.RunAsync(new AttemptFailureInput(id, "FAL attempt 1: HTTP 500", true));
        await activity.RunAsync(new AttemptFailureInput(id, "FAL attempt 2: HTTP 500", false));
        await activity.RunAsync(new AttemptFailureInput(id, "REPLICATE attempt 1: HTTP 429", true));

        var task = await ReadAsync(provider, id);
        Assert.Equal(["FAL attempt 1: HTTP 500", "FAL attempt 2: HTTP 500", "REPLICATE attempt 1: HTTP 429"], task.Errors!);
        Assert.Equal(2, task.RetryCount);
    }

    [Fact]
    public async Task RunAsync_SameAttemptDeliveredTwice_RecordedAndCountedOnce()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider);
        var activity = provider.GetRequiredService<RecordAttemptFailureActivity>();
        var failure = new AttemptFailureInput(id, "FAL attempt 1: HTTP 500", true, AttemptFailureInput.AttemptKey(1));

        var first = await activity.RunAsync(failure);
        var redelivered = await activity.RunAsync(failure);
        await activity.RunAsync(new AttemptFailureInput(id, "FAL attempt 2: HTTP 500", true, AttemptFailureInput.AttemptKey(2)));

        var task = await ReadAsync(provider, id);
        Assert.True(first);
        Assert.False(redelivered);
        Assert.Equal(["FAL attempt 1: HTTP 500", "FAL attempt 2: HTTP 500"], task.Errors!);
        Assert.Equal(2, task.RetryCount);
    }

    [Theory]
    [InlineData(TaskState.CANCELLED)]
    [InlineData(TaskState.COMPLETED)]
    [InlineData(TaskState.FAILED)]
    public async Task RunAsync_TaskAlreadyEnded_NothingWritten(TaskState ended)
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider, task =>
        {
            task.Status = ended;
            task.Errors = ["earlier"];
        });
        var before = await ReadStoredAsync(provider, id);

        var changed = await provider.GetRequiredService<RecordAttemptFailureActivity>().RunAsync(new AttemptFailureInput(id, "late attempt failure", true));

        Assert.False(changed);
        var after = await ReadStoredAsync(provider, id);
        Assert.Equal(before.ETag, after.ETag);
        var task = TaskJson.DeserializeDocument(after.Document);
        Assert.Equal(["earlier"], task.Errors!);
        Assert.Equal((ended, 0, Seeded), (task.Status, task.RetryCount, task.UpdatedAt));
    }

    [Fact]
    public async Task RunAsync_TaskCleanedUpWhileRunning_NothingWritten()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider, task => task.Internal.IsDeleted = true);
        var before = await ReadStoredAsync(provider, id);

        var changed = await provider.GetRequiredService<RecordAttemptFailureActivity>().RunAsync(new AttemptFailureInput(id, "boom", true));

        Assert.False(changed);
        var after = await ReadStoredAsync(provider, id);
        Assert.Equal(before.ETag, after.ETag);
        Assert.Null(TaskJson.DeserializeDocument(after.Document).Errors);
    }

    [Fact]
    public async Task RunAsync_TaskRecordGone_ReturnsFalseAndCreatesNothing()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = Guid.NewGuid().ToString();

        var changed = await provider.GetRequiredService<RecordAttemptFailureActivity>().RunAsync(new AttemptFailureInput(id, "boom", true));

        Assert.False(changed);
        Assert.Null(await provider.GetRequiredService<ITaskStore>().GetAsync(id));
    }
}
