using Azure;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Storage;

[Collection("Azurite")]
public sealed class TableTaskStoreTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private StoreScope _scope = null!;

    private TableTaskStore Store => _scope.Store;

    public async Task InitializeAsync() => _scope = await StoreScope.CreateAsync(azurite.ConnectionString);

    public async Task DisposeAsync() => await _scope.DisposeAsync();

    [Fact]
    public async Task GetAsync_CreatedTask_ReturnsEveryColumnAndETag()
    {
        var task = TestTasks.Create(TestTasks.NewTenant(), TestTasks.BaseTime.AddTicks(1234567), TaskType.REFINE, TaskState.RUNNING, "inst-1", "zone-a", "wf-1");
        task.UpdatedAt = task.CreatedAt.AddSeconds(3).AddTicks(7);
        await Store.CreateAsync(task);

        var read = await Store.GetAsync(task.Id);

        Assert.NotNull(read);
        Assert.Equal(task.Id, read.Id);
        Assert.Equal(task.Tenant, read.Tenant);
        Assert.Equal(TaskType.REFINE, read.TaskType);
        Assert.Equal(TaskState.RUNNING, read.Status);
        Assert.Equal(task.CreatedAt.UtcTicks, read.CreatedAt.UtcTicks);
        Assert.Equal(task.UpdatedAt.UtcTicks, read.UpdatedAt.UtcTicks);
        Assert.Equal("inst-1", read.OriginInstance);
        Assert.Equal("zone-a", read.OriginZone);
        Assert.Equal("wf-1", read.WorkflowId);
        Assert.False(read.IsDeleted);
        Assert.Equal(task.Document, read.Document);
        Assert.NotEqual(default, task.ETag);
        Assert.Equal(task.ETag, read.ETag);
    }

    [Fact]
    public async Task GetAsync_UnknownId_ReturnsNull()
    {
        var read = await Store.GetAsync(Guid.NewGuid().ToString());

        Assert.Null(read);
    }

    [Fact]
    public async Task CreateAsync_DuplicateId_ThrowsTaskConcurrencyException()
    {
        var task = TestTasks.Create(TestTasks.NewTenant());
        await Store.CreateAsync(task);

        var ex = await Assert.ThrowsAsync<TaskConcurrencyException>(() => Store.CreateAsync(task));

        Assert.Equal(task.Id, ex.TaskId);
    }

    [Fact]
    public async Task CreateAsync_DuplicateIdWithOtherValues_LeavesExistingTaskListedOnce()
    {
        var tenant = TestTasks.NewTenant();
        var existing = TestTasks.Create(tenant, TestTasks.BaseTime, status: TaskState.RUNNING);
        await Store.CreateAsync(existing);
        var sameKeys = new StoredTask
        {
            Id = existing.Id,
            Tenant = tenant,
            TaskType = TaskType.EDITING,
            Status = TaskState.FAILED,
            CreatedAt = existing.CreatedAt,
            UpdatedAt = existing.UpdatedAt,
            Document = "{}",
        };
        var laterOtherTenant = new StoredTask
        {
            Id = existing.Id,
            Tenant = TestTasks.NewTenant(),
            TaskType = TaskType.EDITING,
            Status = TaskState.FAILED,
            CreatedAt = existing.CreatedAt.AddMinutes(1),
            UpdatedAt = existing.UpdatedAt,
            Document = "{}",
        };

        await Assert.ThrowsAsync<TaskConcurrencyException>(() => Store.CreateAsync(sameKeys));
        await Assert.ThrowsAsync<TaskConcurrencyException>(() => Store.CreateAsync(laterOtherTenant));

        var listed = await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.RUNNING });
        Assert.Equal([existing.Id], listed.Select(t => t.Id));
        Assert.Equal(2, (await _scope.IndexEntitiesOfAsync(existing.Id)).Count);
        Assert.Empty(await Store.ListAsync(new TaskListQuery { Tenant = laterOtherTenant.Tenant }));
    }

    [Theory]
    [InlineData(100 * 1024)]
    [InlineData(850 * 1024)]
    [InlineData(3 * 1024 * 1024)]
    public async Task GetAsync_LargeDocument_RoundTripsExactly(int size)
    {
        var task = TestTasks.Create(TestTasks.NewTenant(), document: LargeDocument(size));
        await Store.CreateAsync(task);

        var read = await Store.GetAsync(task.Id);

        Assert.NotNull(read);
        Assert.Equal(task.Document, read.Document);
    }

    [Fact]
    public async Task UpdateAsync_LargeDocumentShrinks_RemovesDocumentBlob()
    {
        var task = TestTasks.Create(TestTasks.NewTenant(), document: LargeDocument(3 * 1024 * 1024));
        await Store.CreateAsync(task);
        var blobsBefore = await DocumentBlobCountAsync(task.Id);
        task.Document = """{"small":true}""";

        await Store.UpdateAsync(task);

        var read = await Store.GetAsync(task.Id);
        Assert.Equal(1, blobsBefore);
        Assert.Equal(0, await DocumentBlobCountAsync(task.Id));
        Assert.Equal("""{"small":true}""", read?.Document);
    }

    [Fact]
    public async Task UpdateAsync_StaleETagWithLargeDocument_KeepsWinnerDocument()
    {
        var task = TestTasks.Create(TestTasks.NewTenant(), document: LargeDocument(2 * 1024 * 1024));
        await Store.CreateAsync(task);
        var winner = (await Store.GetAsync(task.Id))!;
        var loser = (await Store.GetAsync(task.Id))!;
        winner.Document = LargeDocument(2 * 1024 * 1024, 'w');
        await Store.UpdateAsync(winner);
        loser.Document = LargeDocument(2 * 1024 * 1024, 'l');

        await Assert.ThrowsAsync<TaskConcurrencyException>(() => Store.UpdateAsync(loser));

        var read = await Store.GetAsync(task.Id);
        Assert.Equal(winner.Document, read?.Document);
        Assert.Equal(1, await DocumentBlobCountAsync(task.Id));
    }

    [Fact]
    public async Task UpdateAsync_StaleETag_ThrowsTaskConcurrencyException()
    {
        var task = TestTasks.Create(TestTasks.NewTenant());
        await Store.CreateAsync(task);
        var first = (await Store.GetAsync(task.Id))!;
        var second = (await Store.GetAsync(task.Id))!;
        first.Status = TaskState.RUNNING;
        await Store.UpdateAsync(first);
        second.Status = TaskState.CANCELLED;

        var ex = await Assert.ThrowsAsync<TaskConcurrencyException>(() => Store.UpdateAsync(second));

        Assert.Equal(task.Id, ex.TaskId);
        Assert.Equal(TaskState.RUNNING, (await Store.GetAsync(task.Id))?.Status);
    }

    [Fact]
    public async Task UpdateAsync_MissingRecord_ThrowsTaskConcurrencyException()
    {
        var task = TestTasks.Create(TestTasks.NewTenant());
        task.ETag = new ETag("W/\"datetime'2025-01-01T00%3A00%3A00.0000000Z'\"");

        await Assert.ThrowsAsync<TaskConcurrencyException>(() => Store.UpdateAsync(task));
    }

    [Fact]
    public async Task UpdateAsync_ReturnedETag_AllowsNextUpdate()
    {
        var task = TestTasks.Create(TestTasks.NewTenant());
        await Store.CreateAsync(task);
        var createdETag = task.ETag;
        task.Status = TaskState.RUNNING;
        await Store.UpdateAsync(task);
        task.Status = TaskState.COMPLETED;

        await Store.UpdateAsync(task);

        Assert.NotEqual(createdETag, task.ETag);
        Assert.Equal(task.ETag, (await Store.GetAsync(task.Id))?.ETag);
        Assert.Equal(TaskState.COMPLETED, (await Store.GetAsync(task.Id))?.Status);
    }

    [Fact]
    public async Task UpdateAsync_StatusChanged_MovesTaskBetweenStatusFilters()
    {
        var tenant = TestTasks.NewTenant();
        var task = TestTasks.Create(tenant, status: TaskState.RUNNING);
        await Store.CreateAsync(task);
        task.Status = TaskState.COMPLETED;

        await Store.UpdateAsync(task);

        var running = await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.RUNNING });
        var completed = await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.COMPLETED });
        var adminCompleted = await Store.ListAsync(new TaskListQuery { Status = TaskState.COMPLETED });
        Assert.Empty(running);
        Assert.Equal([task.Id], completed.Select(t => t.Id));
        Assert.Contains(adminCompleted, t => t.Id == task.Id);
    }

    [Fact]
    public async Task UpdateAsync_MarkedDeleted_HidesTaskFromDefaultList()
    {
        var tenant = TestTasks.NewTenant();
        var task = TestTasks.Create(tenant);
        await Store.CreateAsync(task);
        task.IsDeleted = true;

        await Store.UpdateAsync(task);

        Assert.Empty(await Store.ListAsync(new TaskListQuery { Tenant = tenant }));
        Assert.Single(await Store.ListAsync(new TaskListQuery { Tenant = tenant, IncludeDeleted = true }));
    }

    [Fact]
    public async Task DeleteAsync_TaskWithDocumentBlob_RemovesRecordIndexAndBlob()
    {
        var tenant = TestTasks.NewTenant();
        var task = TestTasks.Create(tenant, document: LargeDocument(1024 * 1024));
        await Store.CreateAsync(task);
        var indexBefore = (await _scope.IndexEntitiesOfAsync(task.Id)).Count;

        await Store.DeleteAsync(task);

        Assert.Equal(2, indexBefore);
        Assert.Null(await Store.GetAsync(task.Id));
        Assert.Empty(await _scope.IndexEntitiesOfAsync(task.Id));
        Assert.Equal(0, await DocumentBlobCountAsync(task.Id));
        Assert.Empty(await Store.ListAsync(new TaskListQuery { Tenant = tenant, IncludeDeleted = true }));
    }

    [Fact]
    public async Task DeleteAsync_MissingTask_DoesNotThrow()
    {
        var task = TestTasks.Create(TestTasks.NewTenant());

        var ex = await Record.ExceptionAsync(() => Store.DeleteAsync(task));

        Assert.Null(ex);
    }

    [Fact]
    public async Task CreateAsync_TenantWithKeyForbiddenCharacters_StoresAndListsTask()
    {
        var tenant = "a/b\\c#d?e\u0001f'g ~41 " + Guid.NewGuid();
        var task = TestTasks.Create(tenant);

        await Store.CreateAsync(task);

        var listed = await Store.ListAsync(new TaskListQuery { Tenant = tenant });
        Assert.Equal([task.Id], listed.Select(t => t.Id));
        Assert.Equal(tenant, listed[0].Tenant);
    }

    [Fact]
    public async Task CreateAsync_IdWithKeyForbiddenCharacters_GetsByPointRead()
    {
        var original = TestTasks.Create(TestTasks.NewTenant());
        var task = new StoredTask
        {
            Id = "x/y#z?" + Guid.NewGuid(),
            Tenant = original.Tenant,
            TaskType = original.TaskType,
            Status = original.Status,
            CreatedAt = original.CreatedAt,
            UpdatedAt = original.UpdatedAt,
            Document = "{}",
        };

        await Store.CreateAsync(task);

        Assert.Equal(task.Id, (await Store.GetAsync(task.Id))?.Id);
    }

    [Fact]
    public async Task Recent_AfterCreateAndUpdate_IsTheRecordAsWritten()
    {
        var task = TestTasks.Create(TestTasks.NewTenant(), status: TaskState.RUNNING);
        await Store.CreateAsync(task);
        var created = Store.Recent(task.Id);
        task.Document = """{"progress":5}""";
        await Store.UpdateAsync(task);

        var updated = Store.Recent(task.Id);

        Assert.Equal(task.ETag, updated!.ETag);
        Assert.Equal("""{"progress":5}""", updated.Document);
        Assert.NotEqual(created!.ETag, updated.ETag);
        Assert.Equal((await Store.GetAsync(task.Id))!.ETag, updated.ETag);
    }

    [Fact]
    public async Task Recent_OtherProcessWrote_StaleCopyLosesItsWriteAndIsDropped()
    {
        var task = TestTasks.Create(TestTasks.NewTenant(), status: TaskState.RUNNING);
        await Store.CreateAsync(task);
        var other = _scope.OtherProcessStore();
        var theirs = (await other.GetAsync(task.Id))!;
        theirs.Document = """{"by":"other"}""";
        await other.UpdateAsync(theirs);

        var copy = Store.Recent(task.Id)!;
        copy.Document = """{"by":"us"}""";
        await Assert.ThrowsAsync<TaskConcurrencyException>(() => Store.UpdateAsync(copy));

        Assert.Null(Store.Recent(task.Id));
        Assert.Equal("""{"by":"other"}""", (await Store.GetAsync(task.Id))!.Document);
        Assert.Equal(theirs.ETag, Store.Recent(task.Id)!.ETag); // a read refreshes the copy
    }

    [Fact]
    public async Task Recent_AfterDelete_IsNull()
    {
        var task = TestTasks.Create(TestTasks.NewTenant());
        await Store.CreateAsync(task);

        await Store.DeleteAsync(task);

        Assert.Null(Store.Recent(task.Id));
        Assert.Null(_scope.OtherProcessStore().Recent(task.Id));
    }

    private static string LargeDocument(int size, char fill = 'x')
    {
        // Multi-byte characters make the UTF-8 part boundaries fall inside characters.
        var body = string.Concat(Enumerable.Repeat("é€" + fill, size / 6));
        return $$"""{"text":"{{body}}"}""";
    }

    private async Task<int> DocumentBlobCountAsync(string taskId)
    {
        var count = 0;
        await foreach (var blob in _scope.Documents.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, taskId + "/", default))
        {
            count++;
        }

        return count;
    }
}
