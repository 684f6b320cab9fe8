using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Workflow;
using TaskFunctions.Core.Workflow.Activities;
using TaskFunctions.Tests.Infrastructure;
using static TaskFunctions.Tests.Workflow.ActivityTestTasks;

namespace TaskFunctions.Tests.Workflow;

/// <summary>FailTask on Azurite: a task not yet ended becomes FAILED with the final error_category (and error); an ended or cleaned-up task is left alone.</summary>
[Collection("Azurite")]
public sealed class FailTaskActivityTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task RunAsync_RunningTaskWithError_FailedWithCategoryErrorAndIndexAgrees()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider, task =>
        {
            task.Progress = 35;
            task.Errors = ["FAL attempt 1: HTTP 500"];
            task.Internal.ActiveJob = new ProviderJobRecord { AttemptKey = "0:1", Job = new ProviderJob(ProviderType.FAL, "fal-ai/app", "job-1") };
        });

        var changed = await provider.GetRequiredService<FailTaskActivity>().RunAsync(new FailTaskInput(id, "Workflow step failed: boom", ErrorCategory.TIMEOUT));

        Assert.True(changed);
        var task = await ReadAsync(provider, id);
        Assert.Equal(TaskState.FAILED, task.Status);
        Assert.Equal(ErrorCategory.TIMEOUT, task.ErrorCategory);
        Assert.Equal(["FAL attempt 1: HTTP 500", "Workflow step failed: boom"], task.Errors!);
        Assert.Equal(Now, task.CompletedAt);
        Assert.Equal(Now, task.UpdatedAt);
        Assert.Equal(35, task.Progress);
        Assert.Null(task.Internal.ActiveJob);
        var stored = await ReadStoredAsync(provider, id);
        Assert.Equal((TaskState.FAILED, Now), (stored.Status, stored.UpdatedAt));
        var failed = await ListedAsync(provider, TaskState.FAILED);
        Assert.Contains(id, failed.Tenant);
        Assert.Contains(id, failed.Global);
        var running = await ListedAsync(provider, TaskState.RUNNING);
        Assert.DoesNotContain(id, running.Tenant);
        Assert.DoesNotContain(id, running.Global);
    }

    [Fact]
    public async Task RunAsync_NullError_KeepsTheErrorsTheAttemptsRecorded()
    {
        await using var provider = await ServicesAsync(azurite);
        var withErrors = await StoreAsync(provider, task => task.Errors = ["FAL attempt 1: HTTP 500", "FAL attempt 2: HTTP 500"]);
        var withoutErrors = await StoreAsync(provider);
        var activity = provider.GetRequiredService<FailTaskActivity>();

        Assert.True(await activity.RunAsync(new FailTaskInput(withErrors, null, ErrorCategory.PROVIDER_ERROR)));
        Assert.True(await activity.RunAsync(new FailTaskInput(withoutErrors, null, ErrorCategory.INTERNAL)));

        var first = await ReadAsync(provider, withErrors);
        Assert.Equal((TaskState.FAILED, ErrorCategory.PROVIDER_ERROR), (first.Status, first.ErrorCategory));
        Assert.Equal(["FAL attempt 1: HTTP 500", "FAL attempt 2: HTTP 500"], first.Errors!);
        var second = await ReadAsync(provider, withoutErrors);
        Assert.Equal((TaskState.FAILED, ErrorCategory.INTERNAL), (second.Status, second.ErrorCategory));
        Assert.Null(second.Errors);
    }

    [Fact]
    public async Task RunAsync_PendingTask_FailedWithoutHavingStarted()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider, task =>
        {
            task.Status = TaskState.PENDING;
            task.StartedAt = null;
        });

        var changed = await provider.GetRequiredService<FailTaskActivity>().RunAsync(new FailTaskInput(id, "Workflow step failed: start", ErrorCategory.INTERNAL));

        Assert.True(changed);
        var task = await ReadAsync(provider, id);
        Assert.Equal((TaskState.FAILED, ErrorCategory.INTERNAL, Now), (task.Status, task.ErrorCategory, task.CompletedAt));
        Assert.Null(task.StartedAt);
        Assert.Equal(["Workflow step failed: start"], task.Errors!);
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
            task.CompletedAt = Seeded;
            task.ErrorCategory = ended == TaskState.CANCELLED ? ErrorCategory.CANCELLED : null;
        });
        var before = await ReadStoredAsync(provider, id);

        var changed = await provider.GetRequiredService<FailTaskActivity>().RunAsync(new FailTaskInput(id, "too late", ErrorCategory.TIMEOUT));

        Assert.False(changed);
        var after = await ReadStoredAsync(provider, id);
        Assert.Equal(before.ETag, after.ETag);
        Assert.Equal(before.Document, after.Document);
        var task = TaskJson.DeserializeDocument(after.Document);
        Assert.Equal((ended, Seeded), (task.Status, task.UpdatedAt));
        Assert.Null(task.Errors);
        Assert.NotEqual(ErrorCategory.TIMEOUT, task.ErrorCategory);
    }

    [Fact]
    public async Task RunAsync_TaskCleanedUpWhileRunning_NothingWritten()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider, task => task.Internal.IsDeleted = true);
        var before = await ReadStoredAsync(provider, id);

        var changed = await provider.GetRequiredService<FailTaskActivity>().RunAsync(new FailTaskInput(id, "boom", ErrorCategory.PROVIDER_ERROR));

        Assert.False(changed);
        var after = await ReadStoredAsync(provider, id);
        Assert.Equal(before.ETag, after.ETag);
        Assert.Equal(TaskState.RUNNING, after.Status);
    }

    [Fact]
    public async Task RunAsync_TaskRecordGone_ReturnsFalseAndCreatesNothing()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = Guid.NewGuid().ToString();

        var changed = await provider.GetRequiredService<FailTaskActivity>().RunAsync(new FailTaskInput(id, "boom", ErrorCategory.PROVIDER_ERROR));

        Assert.False(changed);
        Assert.Null(await provider.GetRequiredService<ITaskStore>().GetAsync(id));
    }

    [Fact]
    public async Task RunAsync_SameFailureDeliveredTwice_ErrorRecordedOnce()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider);
        var input = new FailTaskInput(id, "Workflow step failed: boom", ErrorCategory.INTERNAL);
        var activity = provider.GetRequiredService<FailTaskActivity>();

        var first = await activity.RunAsync(input);
        var afterFirst = await ReadStoredAsync(provider, id);
        var second = await activity.RunAsync(input);

        Assert.True(first);
        Assert.False(second);
        var afterSecond = await ReadStoredAsync(provider, id);
        Assert.Equal(afterFirst.ETag, afterSecond.ETag);
        Assert.Equal(["Workflow step failed: boom"], TaskJson.DeserializeDocument(afterSecond.Document).Errors!);
    }
}
