using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Benchmarks;

/// <summary>
/// List latency with many tasks over 20 tenants: first page filtered by tenant + status, a deep page of one
/// tenant, and a deep admin page across tenants; baseline is a single point read of a task in the same run.
/// </summary>
public static class ListBenchmark
{
    private static readonly TaskState[] States = [TaskState.COMPLETED, TaskState.FAILED, TaskState.RUNNING, TaskState.PENDING, TaskState.CANCELLED];

    public static async Task<IReadOnlyList<string>> RunAsync(string connectionString, int totalTasks, int tenants, int samples)
    {
        var lines = new List<string>();
        await using var host = new SelfHostProcess(connectionString);
        await host.StartAsync();
        var store = new TableTaskStore(
            new TableServiceClient(connectionString),
            new BlobServiceClient(connectionString),
            Options.Create(new StorageOptions
            {
                ConnectionString = connectionString,
                TasksTable = host.Environment["Storage__TasksTable"],
                TaskIndexTable = host.Environment["Storage__TaskIndexTable"],
            }),
            TimeProvider.System,
            NullLogger<TableTaskStore>.Instance);

        var seeding = Stopwatch.StartNew();
        var start = DateTimeOffset.UtcNow.AddDays(-30);
        var tenantNames = Enumerable.Range(0, tenants).Select(i => $"bench-tenant-{i:D2}").ToArray();
        var tasks = Enumerable.Range(0, totalTasks)
            .Select(i => SeedTasks.Generation(tenantNames[i % tenants], start.AddSeconds(i), States[i / tenants % States.Length]))
            .ToList();
        var firstId = tasks[0].Id;
        var newestFirst = tasks.OrderByDescending(t => t.CreatedAt).ToList();

        // Every index entity is written (the lists scan them) as a completed create leaves it: committed, with its
        // document copy. Records are written for the tasks any measured page returns (all of tenant 03, the admin page
        // at 5000, the point-read task), so a list that falls back to point reads still finds them.
        var withRecords = tasks.Where(t => t.Tenant == tenantNames[3]).Concat(newestFirst.Skip(5000).Take(100)).Append(tasks[0]).DistinctBy(t => t.Id).ToList();
        await SeedAsync(connectionString, host, store, tasks, withRecords);
        seeding.Stop();
        lines.Add($"List latency, {totalTasks} tasks over {tenants} tenants (seeded in {seeding.Elapsed.TotalSeconds:F0} s), {samples} samples each:");

        using var ownerClient = Client(host, tenantNames[0], admin: false);
        using var tenantClient = Client(host, tenantNames[3], admin: false);
        using var adminClient = Client(host, null, admin: true);
        var pointRead = await Measure(ownerClient, $"api/v1/tasks/{firstId}", samples);
        var firstPage = await Measure(tenantClient, "api/v1/tasks/?status=COMPLETED&limit=100", samples);
        var deepTenant = await Measure(tenantClient, $"api/v1/tasks/?skip={(totalTasks / tenants) - 100}&limit=100", samples);
        var deepAdmin = await Measure(adminClient, "api/v1/tasks/?skip=5000&limit=100", samples);

        lines.Add($"  baseline GET one task (point read):             {pointRead}");
        lines.Add($"  first page, tenant + status (limit 100):        {firstPage} (target p50 < 50 ms)");
        lines.Add($"  tenant page at skip={(totalTasks / tenants) - 100} (limit 100, its last page): {deepTenant} (target p50 <= 250 ms)");
        lines.Add($"  admin page at skip=5000 across tenants:         {deepAdmin} (target p50 <= 250 ms)");
        lines.Add($"  ratio first page / point read (p50, p95):       {firstPage.P50 / pointRead.P50:F1}, {firstPage.P95 / pointRead.P95:F1}");
        lines.Add($"  ratio tenant deep page / point read (p50):      {deepTenant.P50 / pointRead.P50:F1}");
        lines.Add($"  ratio admin deep page / point read (p50):       {deepAdmin.P50 / pointRead.P50:F1}");
        var met = firstPage.P50 < 50 && deepTenant.P50 <= 250 && deepAdmin.P50 <= 250;
        lines.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"RESULT list tasks={totalTasks} point_p50_ms={pointRead.P50:F1} first_p50_ms={firstPage.P50:F1} tenant_skip={(totalTasks / tenants) - 100} tenant_deep_p50_ms={deepTenant.P50:F1} " +
            $"admin_skip=5000 admin_deep_p50_ms={deepAdmin.P50:F1} admin_deep_p99_ms={deepAdmin.P99:F1} target=\"first_p50_ms<50 && tenant_deep_p50_ms<=250 && admin_deep_p50_ms<=250\" met={(met ? "true" : "false")}"));
        return lines;
    }

    /// <summary>
    /// Writes what TableTaskStore.CreateAsync leaves (the same entity builders), index entities in 100-entity batch
    /// transactions per partition, each into its partition's index table: Azurite's table inserts slow down with
    /// table size, and one-by-one seeding of 100 000 tasks (300 000 entities) did not finish in 30 minutes here.
    /// </summary>
    private static async Task SeedAsync(string connectionString, SelfHostProcess host, TableTaskStore store, List<StoredTask> tasks, List<StoredTask> withRecords)
    {
        var tables = new TableServiceClient(connectionString);
        var indexPrefix = host.Environment["Storage__TaskIndexTable"];
        var records = tables.GetTableClient(host.Environment["Storage__TasksTable"]);
        await records.CreateIfNotExistsAsync();
        var partitions = tasks
            .SelectMany(t => new[] { (Partition: TableKeys.TenantPartition(t.Tenant), Task: t), (Partition: TableKeys.GlobalPartition, Task: t) })
            .GroupBy(p => p.Partition)
            .Select(g => (Index: tables.GetTableClient(IndexTableNames.ForPartition(indexPrefix, g.Key)), Entries: g.ToList()))
            .ToList();
        foreach (var (index, _) in partitions)
        {
            await index.CreateIfNotExistsAsync();
        }

        var batches = partitions.SelectMany(p => p.Entries.Chunk(100).Select(chunk =>
            (p.Index, Actions: chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add, TaskIndexProtocol.ToCommittedIndexEntity(e.Task, e.Partition))).ToList())));
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (batch, ct) => await batch.Index.SubmitTransactionAsync(batch.Actions, ct));
        await Parallel.ForEachAsync(withRecords, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (task, ct) =>
        {
            var (record, _) = await store.ToRecordEntityAsync(task, ct);
            await records.AddEntityAsync(record, ct);
        });
    }

    private static HttpClient Client(SelfHostProcess host, string? tenant, bool admin)
    {
        var client = new HttpClient { BaseAddress = host.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestAuth.Token(tenant, admin));
        return client;
    }

    private static async Task<LatencyStats> Measure(HttpClient http, string path, int samples)
    {
        var latencies = new List<double>();
        for (var i = 0; i < samples + 5; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            var body = await response.Content.ReadAsByteArrayAsync();
            if (response.StatusCode != HttpStatusCode.OK || body.Length == 0)
            {
                throw new InvalidOperationException($"GET {path} returned {(int)response.StatusCode}");
            }

            if (i >= 5)
            {
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        return LatencyStats.From(latencies);
    }
}
