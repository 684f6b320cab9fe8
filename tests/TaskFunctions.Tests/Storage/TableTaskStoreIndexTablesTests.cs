using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Storage;

/// <summary>The index split over a table per tenant and one global table, created lazily.</summary>
[Collection("Azurite")]
public sealed class TableTaskStoreIndexTablesTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private StoreScope _scope = null!;

    private TableTaskStore Store => _scope.Store;

    public async Task InitializeAsync() => _scope = await StoreScope.CreateAsync(azurite.ConnectionString);

    public async Task DisposeAsync() => await _scope.DisposeAsync();

    [Fact]
    public async Task InitializeAsync_FreshStore_CreatesOnlyTheGlobalIndexTable()
    {
        var tables = await _scope.IndexTableNamesAsync();

        Assert.Equal([_scope.GlobalIndexTable.Name], tables);
    }

    [Fact]
    public async Task CreateAsync_FirstTaskOfTenant_CreatesThatTenantsTable()
    {
        var tenant = TestTasks.NewTenant();
        var before = await _scope.IndexTableNamesAsync();

        await Store.CreateAsync(TestTasks.Create(tenant));

        Assert.DoesNotContain(_scope.TenantIndexTable(tenant).Name, before);
        Assert.Contains(_scope.TenantIndexTable(tenant).Name, await _scope.IndexTableNamesAsync());
    }

    [Fact]
    public async Task CreateAsync_TwoTenants_KeepsEachTenantsEntitiesInItsOwnTable()
    {
        var (tenantA, tenantB) = (TestTasks.NewTenant(), TestTasks.NewTenant());
        var a = TestTasks.Create(tenantA);
        var b = TestTasks.Create(tenantB);

        await Store.CreateAsync(a);
        await Store.CreateAsync(b);

        Assert.NotEqual(_scope.TenantIndexTable(tenantA).Name, _scope.TenantIndexTable(tenantB).Name);
        Assert.Equal([a.Id], await TaskIdsInAsync(_scope.TenantIndexTable(tenantA)));
        Assert.Equal([b.Id], await TaskIdsInAsync(_scope.TenantIndexTable(tenantB)));
        Assert.Equal(new[] { a.Id, b.Id }.Order(), (await TaskIdsInAsync(_scope.GlobalIndexTable)).Order());
        Assert.Equal([a.Id], (await Store.ListAsync(new TaskListQuery { Tenant = tenantA })).Select(t => t.Id));
        Assert.Equal(new[] { a.Id, b.Id }.Order(), (await Store.ListAsync(new TaskListQuery())).Select(t => t.Id).Order());
    }

    [Fact]
    public async Task CreateAsync_AdminCreatedTaskWithoutTenant_GetsItsOwnTableApartFromGlobal()
    {
        var task = TestTasks.Create(string.Empty);

        await Store.CreateAsync(task);

        Assert.NotEqual(_scope.GlobalIndexTable.Name, _scope.TenantIndexTable(string.Empty).Name);
        Assert.Equal([task.Id], await TaskIdsInAsync(_scope.TenantIndexTable(string.Empty)));
        Assert.Equal([task.Id], (await Store.ListAsync(new TaskListQuery { Tenant = string.Empty })).Select(t => t.Id));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public async Task ListAsync_TenantWithoutTable_ReturnsEmpty(int skip)
    {
        var tenant = TestTasks.NewTenant();

        var listed = await Store.ListAsync(new TaskListQuery { Tenant = tenant, Status = TaskState.COMPLETED, Skip = skip });

        Assert.Empty(listed);
        Assert.DoesNotContain(_scope.TenantIndexTable(tenant).Name, await _scope.IndexTableNamesAsync());
    }

    [Fact]
    public async Task ListAsync_AdminListBeforeGlobalTableExists_ReturnsEmpty()
    {
        var options = new StorageOptions { ConnectionString = azurite.ConnectionString, TaskIndexTable = "index" + Guid.NewGuid().ToString("N") };
        var uninitialised = new TableTaskStore(_scope.Tables, _scope.Blobs, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, NullLogger<TableTaskStore>.Instance);

        var listed = await uninitialised.ListAsync(new TaskListQuery { Skip = 1 });

        Assert.Empty(listed);
    }

    [Fact]
    public async Task CreateAsync_ConcurrentFirstWritesOfOneTenantFromTwoStores_AllSucceed()
    {
        // Two stores stand for two instances of the app, each creating the tenant's table on its first write.
        var tenant = TestTasks.NewTenant();
        var other = new TableTaskStore(_scope.Tables, _scope.Blobs, Microsoft.Extensions.Options.Options.Create(_scope.Options), TimeProvider.System, NullLogger<TableTaskStore>.Instance);
        var tasks = Enumerable.Range(0, 12).Select(i => TestTasks.Create(tenant, TestTasks.BaseTime.AddSeconds(i))).ToList();

        await Task.WhenAll(tasks.Select((task, i) => (i % 2 == 0 ? Store : other).CreateAsync(task)));

        var listed = await Store.ListAsync(new TaskListQuery { Tenant = tenant });
        Assert.Equal(tasks.Select(t => t.Id).Order(), listed.Select(t => t.Id).Order());
    }

    [Fact]
    public async Task CreateAsync_TenantTableDroppedSinceFirstWrite_RecreatesItAndWrites()
    {
        var tenant = TestTasks.NewTenant();
        await Store.CreateAsync(TestTasks.Create(tenant));
        // A purge of the tenant drops its table behind the store's back (Azurite frees the name at once).
        await _scope.TenantIndexTable(tenant).DeleteAsync();
        var later = TestTasks.Create(tenant, TestTasks.BaseTime.AddMinutes(1));

        await Store.CreateAsync(later);

        Assert.Equal([later.Id], (await Store.ListAsync(new TaskListQuery { Tenant = tenant })).Select(t => t.Id));
    }

    [Fact]
    public async Task DeleteAsync_Task_RemovesItsEntitiesFromTenantAndGlobalTables()
    {
        var tenant = TestTasks.NewTenant();
        var task = TestTasks.Create(tenant);
        var kept = TestTasks.Create(tenant, TestTasks.BaseTime.AddSeconds(1));
        await Store.CreateAsync(task);
        await Store.CreateAsync(kept);

        await Store.DeleteAsync(task);

        Assert.Equal([kept.Id], await TaskIdsInAsync(_scope.TenantIndexTable(tenant)));
        Assert.Equal([kept.Id], await TaskIdsInAsync(_scope.GlobalIndexTable));
    }

    [Fact]
    public async Task DeleteAsync_TenantWithoutTable_DoesNotThrow()
    {
        var task = TestTasks.Create(TestTasks.NewTenant());

        var ex = await Record.ExceptionAsync(() => Store.DeleteAsync(task));

        Assert.Null(ex);
    }

    private static async Task<List<string>> TaskIdsInAsync(TableClient table)
    {
        var ids = new List<string>();
        await foreach (var entity in table.QueryAsync<TableEntity>(select: ["TaskId"]))
        {
            ids.Add(entity.GetString("TaskId"));
        }

        return ids;
    }
}
