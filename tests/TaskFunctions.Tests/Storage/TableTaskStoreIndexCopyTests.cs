using Azure;
using Azure.Data.Tables;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Storage;

/// <summary>
/// The document copies in index entities: lists serve committed copies without reading records, and no crash
/// between the index and record writes can make a list serve a copy that differs from its record.
/// </summary>
[Collection("Azurite")]
public sealed class TableTaskStoreIndexCopyTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private StoreScope _scope = null!;

    private TableTaskStore Store => _scope.Store;

    public async Task InitializeAsync() => _scope = await StoreScope.CreateAsync(azurite.ConnectionString);

    public async Task DisposeAsync() => await _scope.DisposeAsync();

    [Fact]
    public async Task CreateAsync_SmallDocument_CommitsBothIndexEntitiesWithCopy()
    {
        // Created settled (an import, a test): committed at once. An in-flight create holds its entities instead (below).
        var task = TestTasks.Create(TestTasks.NewTenant(), status: TaskState.COMPLETED);

        await Store.CreateAsync(task);

        var entities = await _scope.IndexEntitiesOfAsync(task.Id);
        Assert.Equal(2, entities.Count);
        Assert.All(entities, entity =>
        {
            Assert.False(entity.GetBoolean("Pending"));
            Assert.Equal(task.Document, System.Text.Encoding.UTF8.GetString(entity.GetBinary("DocCopy")));
            Assert.Equal(task.ETag.ToString(), entity.GetString("RecordETag"));
        });
    }

    [Fact]
    public async Task CreateAsync_InFlight_HoldsEntitiesPendingWithoutCopyAndListsTheRecord()
    {
        var tenant = TestTasks.NewTenant();
        var task = TestTasks.Create(tenant, status: TaskState.PENDING);

        await Store.CreateAsync(task);

        Assert.All(await _scope.IndexEntitiesOfAsync(task.Id), entity =>
        {
            Assert.True(entity.GetBoolean("Pending"));
            Assert.True(entity.GetBoolean("Held"));
            Assert.Null(entity.GetBinary("DocCopy"));
        });
        Assert.Equal(task.Document, Assert.Single(await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.PENDING })).Document);
        Assert.Empty(await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.RUNNING }));
    }

    [Fact]
    public async Task UpdateAsync_InFlightStatusAndDocumentOnly_WritesTheRecordAloneAndListsFollow()
    {
        var tenant = TestTasks.NewTenant();
        var task = TestTasks.Create(tenant, status: TaskState.PENDING);
        await Store.CreateAsync(task);
        var before = (await _scope.IndexEntitiesOfAsync(task.Id)).ToDictionary(e => e.PartitionKey, e => e.ETag);
        var read = (await Store.GetAsync(task.Id))!;

        read.Status = TaskState.RUNNING;
        read.Document = """{"status":"RUNNING","progress":1}""";
        await Store.UpdateAsync(read);
        read.Document = """{"status":"RUNNING","progress":2}""";
        await Store.UpdateAsync(read);

        // The held entities were not written again; lists resolve them against the record, whatever their Status says.
        Assert.All(await _scope.IndexEntitiesOfAsync(task.Id), entity => Assert.Equal(before[entity.PartitionKey], entity.ETag));
        Assert.Equal(read.Document, Assert.Single(await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.RUNNING })).Document);
        Assert.Equal(read.Document, Assert.Single(await Store.ListAsync(new TaskListQuery { Status = TaskState.RUNNING }), t => t.Id == task.Id).Document);
        Assert.Empty(await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.PENDING }));
        Assert.Empty(await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.COMPLETED }));

        // A stale writer (the ETag of the first read) still loses.
        task.Document = """{"stale":true}""";
        await Assert.ThrowsAsync<TaskConcurrencyException>(() => Store.UpdateAsync(task));
    }

    [Fact]
    public async Task UpdateAsync_InFlightFilteredColumnChanged_RewritesTheEntities()
    {
        var tenant = TestTasks.NewTenant();
        var task = TestTasks.Create(tenant, status: TaskState.RUNNING, workflowId: "w1");
        await Store.CreateAsync(task);

        task.WorkflowId = "w2";
        await Store.UpdateAsync(task);

        Assert.Single(await Store.ListAsync(new TaskListQuery { Tenant = tenant, WorkflowId = "w2" }));
        Assert.Empty(await Store.ListAsync(new TaskListQuery { Tenant = tenant, WorkflowId = "w1" }));
        Assert.All(await _scope.IndexEntitiesOfAsync(task.Id), entity => Assert.Equal("w2", entity.GetString("WorkflowId")));
    }

    [Fact]
    public async Task ListAsync_CommittedCopy_ServesCopyWithoutReadingRecord()
    {
        var tenant = TestTasks.NewTenant();
        var task = TestTasks.Create(tenant, status: TaskState.COMPLETED, originInstance: "i1", originZone: "z1", workflowId: "w1");
        await Store.CreateAsync(task);
        // Only a list that skips the record read still finds the task once the record is gone behind its back.
        await _scope.RecordTable.DeleteEntityAsync(TableKeys.Encode(task.Id), "r");

        var listed = Assert.Single(await Store.ListAsync(new TaskListQuery { Tenant = tenant }));

        Assert.Equal(task.Id, listed.Id);
        Assert.Equal(task.Document, listed.Document);
        Assert.Equal(task.CreatedAt, listed.CreatedAt);
        Assert.Equal(task.UpdatedAt, listed.UpdatedAt);
        Assert.Equal(("i1", "z1", "w1"), (listed.OriginInstance, listed.OriginZone, listed.WorkflowId));
        Assert.Equal(task.ETag, listed.ETag);
    }

    [Fact]
    public async Task CreateAsync_WhileIndexing_RunsOnlyOnceTheRecordExists()
    {
        var task = TestTasks.Create(TestTasks.NewTenant());
        StoredTask? seenByCallback = null;

        await Store.CreateAsync(task, async () => seenByCallback = await Store.GetAsync(task.Id));

        Assert.Equal(task.Id, seenByCallback?.Id);
    }

    [Fact]
    public async Task CreateAsync_DuplicateIdWithCallback_NeverRunsCallback()
    {
        var task = TestTasks.Create(TestTasks.NewTenant());
        await Store.CreateAsync(task);
        var ran = false;

        await Assert.ThrowsAsync<TaskConcurrencyException>(() => Store.CreateAsync(task, () =>
        {
            ran = true;
            return Task.CompletedTask;
        }));

        Assert.False(ran);
    }

    [Fact]
    public async Task UpdateAsync_StatusAndDocumentChanged_CommitsNewCopyInBothPartitions()
    {
        var tenant = TestTasks.NewTenant();
        var task = TestTasks.Create(tenant, status: TaskState.RUNNING);
        await Store.CreateAsync(task);

        task.Status = TaskState.COMPLETED;
        task.Document = """{"id":"x","task_type":"GENERATION","status":"COMPLETED"}""";
        await Store.UpdateAsync(task);

        var mine = Assert.Single(await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.COMPLETED }));
        var admin = Assert.Single(await Store.ListAsync(new TaskListQuery { Status = TaskState.COMPLETED }), t => t.Id == task.Id);
        Assert.Equal(task.Document, mine.Document);
        Assert.Equal(task.Document, admin.Document);
        Assert.Empty(await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.RUNNING }));
        Assert.All(await _scope.IndexEntitiesOfAsync(task.Id), entity => Assert.False(entity.GetBoolean("Pending")));
    }

    [Fact]
    public async Task UpdateAsync_TaskStillInFlight_LeavesEntitiesPendingAndListsTheRecord()
    {
        var tenant = TestTasks.NewTenant();
        var task = TestTasks.Create(tenant, status: TaskState.PENDING);
        await Store.CreateAsync(task);
        var read = (await Store.GetAsync(task.Id))!;

        read.Status = TaskState.RUNNING;
        read.Document = """{"id":"x","task_type":"GENERATION","status":"RUNNING","progress":40}""";
        await Store.UpdateAsync(read);

        // Not committed (the next step writes again soon), so a list verifies against the record and serves it.
        Assert.All(await _scope.IndexEntitiesOfAsync(task.Id), entity => Assert.True(entity.GetBoolean("Pending")));
        Assert.Empty(await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.PENDING }));
        var listed = Assert.Single(await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.RUNNING }));
        Assert.Equal(read.Document, listed.Document);
    }

    [Fact]
    public async Task UpdateAsync_TwiceFromOneRead_KeepsTheLargeDocumentBlobCurrent()
    {
        // The second update relies on the blob name the first one left on the task (no $select re-read).
        var tenant = TestTasks.NewTenant();
        var task = TestTasks.Create(tenant, status: TaskState.RUNNING);
        await Store.CreateAsync(task);
        var read = (await Store.GetAsync(task.Id))!;
        read.Document = """{"id":"x","pad":""" + "\"" + new string('a', 1_200_000) + "\"}";
        await Store.UpdateAsync(read);

        read.Document = """{"id":"x","pad":""" + "\"" + new string('b', 1_200_000) + "\"}";
        await Store.UpdateAsync(read);

        Assert.Equal(read.Document, (await Store.GetAsync(task.Id))!.Document);
        var blobs = 0;
        await foreach (var blob in _scope.Documents.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, task.Id + "/", default))
        {
            blobs++;
        }

        Assert.Equal(1, blobs); // the first update's blob was removed by the second
    }

    [Fact]
    public async Task UpdateAsync_LostRace_LeavesNoCopyOfTheLoserListed()
    {
        var tenant = TestTasks.NewTenant();
        var task = TestTasks.Create(tenant, status: TaskState.RUNNING);
        await Store.CreateAsync(task);
        var staleETag = task.ETag;
        task.Status = TaskState.CANCELLED;
        task.Document = """{"winner":true}""";
        await Store.UpdateAsync(task);
        var losing = new StoredTask
        {
            Id = task.Id,
            Tenant = tenant,
            TaskType = task.TaskType,
            Status = TaskState.COMPLETED,
            CreatedAt = task.CreatedAt,
            UpdatedAt = task.UpdatedAt,
            Document = """{"winner":false}""",
            ETag = staleETag,
        };

        await Assert.ThrowsAsync<TaskConcurrencyException>(() => Store.UpdateAsync(losing));

        Assert.Empty(await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.COMPLETED }));
        var listed = Assert.Single(await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.CANCELLED }));
        Assert.Equal("""{"winner":true}""", listed.Document);
    }

    [Fact]
    public async Task ListAsync_CrashBeforeRecordWrite_ServesRecordNotPendingCopyAndSettlesIndex()
    {
        var tenant = TestTasks.NewTenant();
        var task = TestTasks.Create(tenant, status: TaskState.RUNNING);
        await Store.CreateAsync(task);
        var neverWritten = new StoredTask
        {
            Id = task.Id,
            Tenant = tenant,
            TaskType = task.TaskType,
            Status = TaskState.COMPLETED,
            CreatedAt = task.CreatedAt,
            UpdatedAt = task.UpdatedAt.AddMinutes(1),
            Document = """{"never":"written"}""",
        };
        // What an update leaves when it dies after marking the index and before its record write.
        foreach (var partition in new[] { TableKeys.TenantPartition(tenant), TableKeys.GlobalPartition })
        {
            await _scope.IndexTable(partition).UpsertEntityAsync(TaskIndexProtocol.ToIndexEntity(neverWritten, partition), TableUpdateMode.Replace);
        }

        var completed = await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.COMPLETED });
        var runningAfterRepair = await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.RUNNING });
        var runningAfterCommit = await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.RUNNING });

        Assert.Empty(completed);
        Assert.Equal(task.Document, Assert.Single(runningAfterRepair).Document);
        Assert.Equal(task.Document, Assert.Single(runningAfterCommit).Document);
        // The task is in flight: the repair restored its held entity (pending, the record's version), never a copy.
        var entity = (await _scope.IndexEntitiesOfAsync(task.Id)).Single(e => e.PartitionKey == TableKeys.TenantPartition(tenant));
        Assert.True(entity.GetBoolean("Pending"));
        Assert.True(entity.GetBoolean("Held"));
        Assert.Equal((await _scope.RecordTable.GetEntityAsync<TableEntity>(TableKeys.Encode(task.Id), "r")).Value.GetString("Version"), entity.GetString("Version"));
    }

    [Fact]
    public async Task ListAsync_CrashAfterRecordWriteBeforeCommit_ServesRecordAndCommitsCopy()
    {
        var tenant = TestTasks.NewTenant();
        var task = TestTasks.Create(tenant, status: TaskState.RUNNING);
        await Store.CreateAsync(task);
        task.Status = TaskState.COMPLETED;
        task.Document = """{"status":"COMPLETED"}""";
        await Store.UpdateAsync(task);
        // What the update leaves when it dies after its record write and before clearing the marker.
        foreach (var entity in await _scope.IndexEntitiesOfAsync(task.Id))
        {
            await _scope.IndexTable(entity.PartitionKey).UpdateEntityAsync(new TableEntity(entity.PartitionKey, entity.RowKey) { ["Pending"] = true }, ETag.All);
        }

        var listed = Assert.Single(await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.COMPLETED }));

        Assert.Equal(task.Document, listed.Document);
        var tenantEntity = (await _scope.IndexEntitiesOfAsync(task.Id)).Single(e => e.PartitionKey == TableKeys.TenantPartition(tenant));
        Assert.False(tenantEntity.GetBoolean("Pending"));
    }

    [Fact]
    public async Task ListAsync_PendingEntityOfUnknownVersion_RepairsButCommitsOnlyOnNextList()
    {
        // One list cannot know its record read is not older than a write in flight, so it never clears a marker it repaired.
        var tenant = TestTasks.NewTenant();
        var task = TestTasks.Create(tenant, status: TaskState.RUNNING);
        await Store.CreateAsync(task);
        foreach (var partition in new[] { TableKeys.TenantPartition(tenant), TableKeys.GlobalPartition })
        {
            await _scope.IndexTable(partition).UpsertEntityAsync(TaskIndexProtocol.ToIndexEntity(task, partition), TableUpdateMode.Replace);
        }

        var repaired = await Store.ListAsync(new TaskListQuery { Tenant = tenant });
        var afterRepair = (await _scope.IndexEntitiesOfAsync(task.Id)).Single(e => e.PartitionKey == TableKeys.TenantPartition(tenant));

        // The repair wrote the record's version but left the entity pending; only the next list commits it.
        Assert.Single(repaired);
        Assert.True(afterRepair.GetBoolean("Pending"));
    }

    [Fact]
    public async Task ListAsync_DocumentTooLargeForCopy_ListsFromRecord()
    {
        var tenant = TestTasks.NewTenant();
        var large = new string('x', TaskIndexProtocol.MaxIndexCopyBytes + 1);
        var task = TestTasks.Create(tenant, status: TaskState.COMPLETED, document: $$"""{"pad":"{{large}}"}""");
        await Store.CreateAsync(task);

        var listed = Assert.Single(await Store.ListAsync(new TaskListQuery { Tenant = tenant }));

        Assert.Equal(task.Document, listed.Document);
        Assert.All(await _scope.IndexEntitiesOfAsync(task.Id), entity =>
        {
            Assert.Null(entity.GetBinary("DocCopy"));
            Assert.False(entity.GetBoolean("Pending"));
        });
    }

    [Fact]
    public async Task ListAsync_IndexEntityWithoutCopyFromOlderVersion_ListsFromRecordAndAddsCopy()
    {
        var tenant = TestTasks.NewTenant();
        var task = TestTasks.Create(tenant, status: TaskState.COMPLETED);
        await Store.CreateAsync(task);
        var legacy = new TableEntity(TableKeys.TenantPartition(tenant), TableKeys.IndexRowKey(task.CreatedAt, task.Id))
        {
            ["TaskId"] = task.Id,
            ["Tenant"] = tenant,
            ["TaskType"] = task.TaskType.ToString(),
            ["Status"] = task.Status.ToString(),
            ["CreatedAt"] = task.CreatedAt,
            ["IsDeleted"] = false,
        };
        await _scope.IndexTable(legacy.PartitionKey).UpsertEntityAsync(legacy, TableUpdateMode.Replace);

        var first = await Store.ListAsync(new TaskListQuery { Tenant = tenant });
        var second = await Store.ListAsync(new TaskListQuery { Tenant = tenant });

        Assert.Equal(task.Document, Assert.Single(first).Document);
        Assert.Equal(task.Document, Assert.Single(second).Document);
        var entity = (await _scope.IndexEntitiesOfAsync(task.Id)).Single(e => e.PartitionKey == legacy.PartitionKey);
        Assert.False(entity.GetBoolean("Pending"));
        Assert.NotNull(entity.GetBinary("DocCopy"));
    }

    [Fact]
    public async Task ListAsync_DeleteCrashedAfterRecordDelete_NeverListsCopy()
    {
        var tenant = TestTasks.NewTenant();
        var task = TestTasks.Create(tenant);
        await Store.CreateAsync(task);
        // What a delete leaves when it dies after removing the record: entities marked with a version no record has.
        foreach (var entity in await _scope.IndexEntitiesOfAsync(task.Id))
        {
            await _scope.IndexTable(entity.PartitionKey).UpdateEntityAsync(
                new TableEntity(entity.PartitionKey, entity.RowKey) { ["Pending"] = true, ["Version"] = Guid.NewGuid().ToString("N") }, ETag.All);
        }

        await _scope.RecordTable.DeleteEntityAsync(TableKeys.Encode(task.Id), "r");

        Assert.Empty(await Store.ListAsync(new TaskListQuery { Tenant = tenant }));
        Assert.Empty(await Store.ListAsync(new TaskListQuery { Tenant = tenant }));
    }

    [Fact]
    public async Task UpdateAsync_Cleanup_CommitsDeletedCopyHiddenFromDefaultList()
    {
        var tenant = TestTasks.NewTenant();
        var task = TestTasks.Create(tenant, status: TaskState.COMPLETED);
        await Store.CreateAsync(task);

        task.IsDeleted = true;
        task.Document = """{"is_deleted":true}""";
        await Store.UpdateAsync(task);

        Assert.Empty(await Store.ListAsync(new TaskListQuery { Tenant = tenant }));
        var withDeleted = Assert.Single(await Store.ListAsync(new TaskListQuery { Tenant = tenant, IncludeDeleted = true }));
        Assert.True(withDeleted.IsDeleted);
        Assert.Equal(task.Document, withDeleted.Document);
    }

    [Fact]
    public async Task ListAsync_SkipOverCommittedCopies_ReturnsSliceFromCopies()
    {
        var tenant = TestTasks.NewTenant();
        var tasks = Enumerable.Range(0, 30).Select(i => TestTasks.Create(tenant, TestTasks.BaseTime.AddSeconds(i), status: i % 2 == 0 ? TaskState.COMPLETED : TaskState.FAILED)).ToList();
        var batch = tasks.Select(t => new TableTransactionAction(TableTransactionActionType.Add, TaskIndexProtocol.ToCommittedIndexEntity(t, TableKeys.TenantPartition(tenant)))).ToList();
        var index = _scope.TenantIndexTable(tenant);
        await index.CreateIfNotExistsAsync();
        await index.SubmitTransactionAsync(batch);
        var completedNewestFirst = tasks.Where(t => t.Status == TaskState.COMPLETED).Reverse().ToList();

        var listed = await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.COMPLETED, Skip = 5, Limit = 4 });
        var beyond = await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.COMPLETED, Skip = 15, Limit = 4 });

        Assert.Equal(completedNewestFirst.Skip(5).Take(4).Select(t => t.Id), listed.Select(t => t.Id));
        Assert.Equal(completedNewestFirst.Skip(5).Take(4).Select(t => t.Document), listed.Select(t => t.Document));
        Assert.Empty(beyond);
    }
}
