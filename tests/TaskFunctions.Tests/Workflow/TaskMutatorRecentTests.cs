using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Workflow;
using TaskFunctions.Tests.Infrastructure;
using static TaskFunctions.Tests.Workflow.ActivityTestTasks;

namespace TaskFunctions.Tests.Workflow;

/// <summary>
/// <see cref="TaskMutator.MutateRecentAsync"/> starts from this process's copy of the record; these show it ends exactly as
/// a mutation from a fresh read would when another process wrote the record since.
/// </summary>
[Collection("Azurite")]
public sealed class TaskMutatorRecentTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task MutateRecentAsync_StaleCopy_AppliesTheChangeOnTheCurrentRecord()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider);
        await OtherProcessMutator(provider).MutateAsync(id, t =>
        {
            t.Progress = 42;
            return t;
        });

        var result = await provider.GetRequiredService<TaskMutator>().MutateRecentAsync(id, t =>
        {
            t.RetryCount++;
            return t;
        });

        Assert.True(result!.Changed);
        var task = await ReadAsync(provider, id);
        Assert.Equal(42, task.Progress);
        Assert.Equal(1, task.RetryCount);
    }

    [Fact]
    public async Task MutateRecentAsync_CopySaysNothingToWrite_DecidesAgainOnTheRecord()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider, t => t.RetryCount = 3);
        await OtherProcessMutator(provider).MutateAsync(id, t =>
        {
            t.RetryCount = 0;
            return t;
        });

        var result = await provider.GetRequiredService<TaskMutator>().MutateRecentAsync(id, t =>
        {
            if (t.RetryCount > 0)
            {
                return null;
            }

            t.RetryCount = 7;
            return t;
        });

        Assert.True(result!.Changed);
        Assert.Equal(7, (await ReadAsync(provider, id)).RetryCount);
    }

    [Fact]
    public async Task MutateRecentAsync_RecordDeletedElsewhere_ReturnsNull()
    {
        await using var provider = await ServicesAsync(azurite);
        var id = await StoreAsync(provider);
        var other = OtherProcessStore(provider);
        await other.DeleteAsync((await other.GetAsync(id))!);

        var result = await provider.GetRequiredService<TaskMutator>().MutateRecentAsync(id, t =>
        {
            t.RetryCount++;
            return t;
        });

        Assert.Null(result);
    }

    private static TableTaskStore OtherProcessStore(IServiceProvider provider) =>
        new(provider.GetRequiredService<Azure.Data.Tables.TableServiceClient>(), provider.GetRequiredService<Azure.Storage.Blobs.BlobServiceClient>(),
            provider.GetRequiredService<IOptions<StorageOptions>>(), TimeProvider.System, NullLogger<TableTaskStore>.Instance);

    private static TaskMutator OtherProcessMutator(IServiceProvider provider) => new(OtherProcessStore(provider));
}
