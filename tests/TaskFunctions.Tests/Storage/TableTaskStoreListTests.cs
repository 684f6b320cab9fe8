using Azure.Data.Tables;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Storage;

[Collection("Azurite")]
public sealed class TableTaskStoreListTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private StoreScope _scope = null!;

    private TableTaskStore Store => _scope.Store;

    public async Task InitializeAsync() => _scope = await StoreScope.CreateAsync(azurite.ConnectionString);

    public async Task DisposeAsync() => await _scope.DisposeAsync();

    [Fact]
    public async Task ListAsync_TasksCreatedOutOfOrder_ReturnsNewestFirst()
    {
        var tenant = TestTasks.NewTenant();
        var middle = TestTasks.Create(tenant, TestTasks.BaseTime.AddMinutes(1));
        var oldest = TestTasks.Create(tenant, TestTasks.BaseTime);
        var newest = TestTasks.Create(tenant, TestTasks.BaseTime.AddMinutes(2));
        foreach (var task in new[] { middle, oldest, newest })
        {
            await Store.CreateAsync(task);
        }

        var listed = await Store.ListAsync(new TaskListQuery { Tenant = tenant });

        Assert.Equal([newest.Id, middle.Id, oldest.Id], listed.Select(t => t.Id));
        Assert.Equal(newest.Document, listed[0].Document);
    }

    [Fact]
    public async Task ListAsync_OtherTenantsTasks_AreNotReturned()
    {
        var mine = TestTasks.NewTenant();
        var theirs = TestTasks.NewTenant();
        var myTask = TestTasks.Create(mine);
        await Store.CreateAsync(myTask);
        await Store.CreateAsync(TestTasks.Create(theirs));
        await Store.CreateAsync(TestTasks.Create(mine + "x"));

        var listed = await Store.ListAsync(new TaskListQuery { Tenant = mine });

        Assert.Equal([myTask.Id], listed.Select(t => t.Id));
    }

    [Fact]
    public async Task ListAsync_NoTenant_ReturnsEveryTenantsTasks()
    {
        var first = TestTasks.Create(TestTasks.NewTenant(), TestTasks.BaseTime.AddSeconds(1));
        var second = TestTasks.Create(TestTasks.NewTenant(), TestTasks.BaseTime.AddSeconds(2));
        var unowned = TestTasks.Create(string.Empty, TestTasks.BaseTime.AddSeconds(3));
        await Store.CreateAsync(first);
        await Store.CreateAsync(second);
        await Store.CreateAsync(unowned);

        var listed = await Store.ListAsync(new TaskListQuery());

        Assert.Equal([unowned.Id, second.Id, first.Id], listed.Select(t => t.Id));
    }

    [Fact]
    public async Task ListAsync_EmptyTenant_ReturnsOnlyUnownedTasks()
    {
        var unowned = TestTasks.Create(string.Empty);
        await Store.CreateAsync(unowned);
        await Store.CreateAsync(TestTasks.Create(TestTasks.NewTenant()));

        var listed = await Store.ListAsync(new TaskListQuery { Tenant = string.Empty });

        Assert.Equal([unowned.Id], listed.Select(t => t.Id));
    }

    [Fact]
    public async Task ListAsync_StatusFilter_ReturnsOnlyMatchingTasks()
    {
        var (tenant, a, _) = await SeedTwoAsync();

        var listed = await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.RUNNING });

        Assert.Equal([a.Id], listed.Select(t => t.Id));
    }

    [Fact]
    public async Task ListAsync_TaskTypeFilter_ReturnsOnlyMatchingTasks()
    {
        var (tenant, _, b) = await SeedTwoAsync();

        var listed = await Store.ListAsync(new TaskListQuery { Tenant = tenant, TaskType = TaskType.EDITING });

        Assert.Equal([b.Id], listed.Select(t => t.Id));
    }

    [Fact]
    public async Task ListAsync_OriginInstanceFilter_ReturnsOnlyMatchingTasks()
    {
        var (tenant, a, _) = await SeedTwoAsync();

        var listed = await Store.ListAsync(new TaskListQuery { Tenant = tenant, OriginInstance = "instance-a" });

        Assert.Equal([a.Id], listed.Select(t => t.Id));
    }

    [Fact]
    public async Task ListAsync_OriginZoneFilter_ReturnsOnlyMatchingTasks()
    {
        var (tenant, _, b) = await SeedTwoAsync();

        var listed = await Store.ListAsync(new TaskListQuery { Tenant = tenant, OriginZone = "zone-b" });

        Assert.Equal([b.Id], listed.Select(t => t.Id));
    }

    [Fact]
    public async Task ListAsync_WorkflowIdFilter_ReturnsOnlyMatchingTasks()
    {
        var (tenant, a, _) = await SeedTwoAsync();

        var listed = await Store.ListAsync(new TaskListQuery { Tenant = tenant, WorkflowId = "workflow-a" });

        Assert.Equal([a.Id], listed.Select(t => t.Id));
    }

    [Fact]
    public async Task ListAsync_CombinedFiltersAcrossTenants_ReturnsOnlyTasksMatchingAll()
    {
        var (_, a, _) = await SeedTwoAsync();

        var listed = await Store.ListAsync(new TaskListQuery { Status = TaskState.RUNNING, WorkflowId = "workflow-a", OriginZone = "zone-a" });

        Assert.Equal([a.Id], listed.Select(t => t.Id));
    }

    [Fact]
    public async Task ListAsync_FilterValueWithODataInjection_MatchesNothing()
    {
        var (tenant, _, _) = await SeedTwoAsync();

        var listed = await Store.ListAsync(new TaskListQuery { Tenant = tenant, OriginInstance = "x' or PartitionKey ne '" });

        Assert.Empty(listed);
    }

    [Fact]
    public async Task ListAsync_DeletedTask_HiddenUnlessIncludeDeleted()
    {
        var tenant = TestTasks.NewTenant();
        var live = TestTasks.Create(tenant, TestTasks.BaseTime);
        var deleted = TestTasks.Create(tenant, TestTasks.BaseTime.AddSeconds(1), isDeleted: true);
        await Store.CreateAsync(live);
        await Store.CreateAsync(deleted);

        var hidden = await Store.ListAsync(new TaskListQuery { Tenant = tenant });
        var all = await Store.ListAsync(new TaskListQuery { Tenant = tenant, IncludeDeleted = true });

        Assert.Equal([live.Id], hidden.Select(t => t.Id));
        Assert.Equal([deleted.Id, live.Id], all.Select(t => t.Id));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task ListAsync_LimitNotPositive_ReturnsEmpty(int limit)
    {
        var tenant = TestTasks.NewTenant();
        await Store.CreateAsync(TestTasks.Create(tenant));

        var listed = await Store.ListAsync(new TaskListQuery { Tenant = tenant, Limit = limit });

        Assert.Empty(listed);
    }

    [Fact]
    public async Task ListAsync_SkipAndLimit_ReturnsSliceInOrder()
    {
        var tenant = TestTasks.NewTenant();
        var tasks = Enumerable.Range(0, 7).Select(i => TestTasks.Create(tenant, TestTasks.BaseTime.AddSeconds(i))).ToList();
        foreach (var task in tasks)
        {
            await Store.CreateAsync(task);
        }

        var listed = await Store.ListAsync(new TaskListQuery { Tenant = tenant, Skip = 2, Limit = 3 });

        Assert.Equal([tasks[4].Id, tasks[3].Id, tasks[2].Id], listed.Select(t => t.Id));
    }

    [Fact]
    public async Task ListAsync_SkipBeyondOneServerPage_ReturnsSliceAcrossPages()
    {
        const int count = 1200;
        var tenant = TestTasks.NewTenant();
        var tasks = Enumerable.Range(0, count).Select(i => TestTasks.Create(tenant, TestTasks.BaseTime.AddSeconds(i))).ToList();
        var newestFirst = tasks.AsEnumerable().Reverse().ToList();
        await SeedQuicklyAsync(tasks, newestFirst.Skip(950).ToList());

        var straddling = await Store.ListAsync(new TaskListQuery { Tenant = tenant, Skip = 995, Limit = 10 });
        var tail = await Store.ListAsync(new TaskListQuery { Tenant = tenant, Skip = 1150, Limit = 100 });
        var adminTail = await Store.ListAsync(new TaskListQuery { Skip = 1190, Limit = 100 });

        Assert.Equal(newestFirst.Skip(995).Take(10).Select(t => t.Id), straddling.Select(t => t.Id));
        Assert.Equal(newestFirst.Skip(1150).Select(t => t.Id), tail.Select(t => t.Id));
        Assert.Equal(newestFirst.Skip(1190).Select(t => t.Id), adminTail.Select(t => t.Id));
    }

    [Fact]
    public async Task ListAsync_OrphanIndexEntities_SkipsThemAndDeletesOnlyOldOnes()
    {
        var tenant = TestTasks.NewTenant();
        var real = TestTasks.Create(tenant, TestTasks.BaseTime);
        await Store.CreateAsync(real);
        var oldOrphan = TestTasks.Create(tenant, TestTasks.BaseTime.AddSeconds(1));
        var youngOrphan = TestTasks.Create(tenant, DateTimeOffset.UtcNow);
        var orphanPartition = TableKeys.TenantPartition(tenant);
        await _scope.IndexTable(orphanPartition).AddEntityAsync(TaskIndexProtocol.ToIndexEntity(oldOrphan, orphanPartition));
        await _scope.IndexTable(orphanPartition).AddEntityAsync(TaskIndexProtocol.ToIndexEntity(youngOrphan, orphanPartition));

        var listed = await Store.ListAsync(new TaskListQuery { Tenant = tenant, Limit = 1 });

        Assert.Equal([real.Id], listed.Select(t => t.Id));
        Assert.Empty(await _scope.IndexEntitiesOfAsync(oldOrphan.Id));
        Assert.Single(await _scope.IndexEntitiesOfAsync(youngOrphan.Id));
    }

    [Fact]
    public async Task ListAsync_OrphanIndexEntity_AgeComesFromInjectedClock()
    {
        // By the wall clock this orphan is long past the grace period; by the store's clock it is a minute old.
        var clock = new ManualClock(TestTasks.BaseTime.AddMinutes(1));
        await using var scope = await StoreScope.CreateAsync(azurite.ConnectionString, clock);
        var tenant = TestTasks.NewTenant();
        var orphan = TestTasks.Create(tenant, TestTasks.BaseTime);
        var partition = TableKeys.TenantPartition(tenant);
        await scope.IndexTable(partition).CreateIfNotExistsAsync();
        await scope.IndexTable(partition).AddEntityAsync(TaskIndexProtocol.ToIndexEntity(orphan, partition));

        var listedWhileYoung = await scope.Store.ListAsync(new TaskListQuery { Tenant = tenant });
        var keptWhileYoung = await scope.IndexEntitiesOfAsync(orphan.Id);
        clock.Advance(TaskIndexProtocol.OrphanGracePeriod);
        var listedOnceOld = await scope.Store.ListAsync(new TaskListQuery { Tenant = tenant });

        Assert.Empty(listedWhileYoung);
        Assert.Single(keptWhileYoung);
        Assert.Empty(listedOnceOld);
        Assert.Empty(await scope.IndexEntitiesOfAsync(orphan.Id));
    }

    [Fact]
    public async Task ListAsync_IndexEntityOfLostDuplicateCreate_SkipsItAndListsTaskOnce()
    {
        var tenant = TestTasks.NewTenant();
        var task = TestTasks.Create(tenant, TestTasks.BaseTime);
        await Store.CreateAsync(task);
        var lostDuplicate = new StoredTask
        {
            Id = task.Id,
            Tenant = tenant,
            TaskType = task.TaskType,
            Status = task.Status,
            CreatedAt = task.CreatedAt.AddHours(-1),
            UpdatedAt = task.UpdatedAt,
            Document = "{}",
        };
        await _scope.TenantIndexTable(tenant).AddEntityAsync(TaskIndexProtocol.ToIndexEntity(lostDuplicate, TableKeys.TenantPartition(tenant)));

        var listed = await Store.ListAsync(new TaskListQuery { Tenant = tenant });

        Assert.Equal([task.Id], listed.Select(t => t.Id));
        Assert.Equal(2, (await _scope.IndexEntitiesOfAsync(task.Id)).Count);
    }

    [Fact]
    public async Task ListAsync_IndexLeftStaleByCrash_FiltersByRecordAndRepairsIndex()
    {
        var tenant = TestTasks.NewTenant();
        var task = TestTasks.Create(tenant, status: TaskState.RUNNING);
        await Store.CreateAsync(task);
        var staleIndex = TaskIndexProtocol.ToIndexEntity(task, TableKeys.TenantPartition(tenant));
        task.Status = TaskState.COMPLETED;
        await Store.UpdateAsync(task);
        // Simulates a crash between the record write and the index write.
        await _scope.TenantIndexTable(tenant).UpsertEntityAsync(staleIndex, TableUpdateMode.Replace);

        var runningBeforeRepair = await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.RUNNING });
        var completedAfterRepair = await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.COMPLETED });

        Assert.Empty(runningBeforeRepair);
        Assert.Equal([task.Id], completedAfterRepair.Select(t => t.Id));
    }

    // Same entities CreateAsync writes, but index entities go in 100-entity batches (one partition each) and
    // records are written only for the tail the queries can reach: skipping reads index keys only, and single
    // record writes are what makes seeding slow. Records start 45 positions before the first expected one,
    // so a skip that falls short returns the wrong tasks rather than silently passing over missing records.
    private async Task SeedQuicklyAsync(IReadOnlyList<StoredTask> tasks, IReadOnlyList<StoredTask> withRecords)
    {
        var partitions = new[] { TableKeys.TenantPartition(tasks[0].Tenant), TableKeys.GlobalPartition };
        foreach (var partition in partitions)
        {
            var index = _scope.IndexTable(partition);
            await index.CreateIfNotExistsAsync();
            foreach (var chunk in tasks.Chunk(100))
            {
                await index.SubmitTransactionAsync(chunk.Select(task => new TableTransactionAction(TableTransactionActionType.Add, TaskIndexProtocol.ToIndexEntity(task, partition))).ToList());
            }
        }

        await Parallel.ForEachAsync(withRecords, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (task, ct) =>
        {
            var (record, _) = await Store.ToRecordEntityAsync(task, ct);
            await _scope.RecordTable.AddEntityAsync(record, ct);
        });
    }

    private async Task<(string Tenant, StoredTask A, StoredTask B)> SeedTwoAsync()
    {
        var tenant = TestTasks.NewTenant();
        var a = TestTasks.Create(tenant, TestTasks.BaseTime, TaskType.GENERATION, TaskState.RUNNING, "instance-a", "zone-a", "workflow-a");
        var b = TestTasks.Create(tenant, TestTasks.BaseTime.AddSeconds(1), TaskType.EDITING, TaskState.COMPLETED, "instance-b", "zone-b", "workflow-b");
        await Store.CreateAsync(a);
        await Store.CreateAsync(b);
        return (tenant, a, b);
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
