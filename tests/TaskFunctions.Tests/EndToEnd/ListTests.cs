using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.EndToEnd;

[Collection(SelfHostCollection.Name)]
public sealed class ListTests(SelfHostFixture fixture)
{
    [Fact]
    public async Task List_TenantTasks_NewestFirstWithFilters()
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N");
        using var client = fixture.Client(tenant);
        using var other = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var ids = new List<string>();
        foreach (var (kind, zone, instance) in new[] { ("GENERATION", "eu", "a"), ("LLM_INTERACTION", "us", "a"), ("GENERATION", "us", "b"), ("VIDEO_GENERATION", "eu", "b") })
        {
            var body = SampleBodies.For(kind);
            body["origin_zone"] = zone;
            body["origin_instance"] = instance;
            ids.Add((await ApiCalls.CreateAsync(client, body))["id"]!.GetValue<string>());
        }

        await ApiCalls.CreateAsync(other, SampleBodies.For("GENERATION"));
        foreach (var id in ids)
        {
            await ApiCalls.WaitForAsync(client, id, ApiCalls.IsTerminal);
        }

        Assert.Equal(Enumerable.Reverse(ids), await Ids(client, ""));
        Assert.Equal([ids[2], ids[0]], await Ids(client, "?task_type=GENERATION"));
        Assert.Equal([ids[3], ids[0]], await Ids(client, "?origin_zone=eu"));
        Assert.Equal([ids[3], ids[2]], await Ids(client, "?origin_instance=b"));
        Assert.Equal([ids[2]], await Ids(client, "?task_type=GENERATION&origin_zone=us"));
        // GENERATION completes on the (fake) fal provider; the other kinds have no provider yet and fail.
        Assert.Equal([ids[3], ids[1]], await Ids(client, "?status=FAILED"));
        Assert.Equal([ids[2], ids[0]], await Ids(client, "?status=COMPLETED"));
        Assert.Empty(await Ids(client, "?status=RUNNING"));
        Assert.Equal([ids[2], ids[1]], await Ids(client, "?skip=1&limit=2"));
        Assert.Equal([ids[2], ids[0]], await Ids(client, "generation", prefix: ApiCalls.Tasks));
        Assert.Empty(await Ids(client, "?origin_tenant_id=someone-else"));
        Assert.Equal(Enumerable.Reverse(ids), await Ids(client, "?origin_tenant_id=" + tenant));
    }

    [Theory]
    [InlineData("?status=DONE", "status")]
    [InlineData("?task_type=PAINTING", "task_type")]
    [InlineData("?limit=ten", "limit")]
    [InlineData("?skip=-1", "skip")]
    public async Task List_BadQuery_Returns422AtQueryParameter(string query, string parameter)
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));

        var (status, json) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + query);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var loc = json!["detail"]![0]!["loc"]!.AsArray();
        Assert.Equal("query", loc[0]!.GetValue<string>());
        Assert.Equal(parameter, loc[1]!.GetValue<string>());
    }

    [Fact]
    public async Task List_MoreThanOneTablePage_SkipAndLimitWalkTheWholeTenant()
    {
        // 1,100 tasks in one tenant are written straight into the self-host's tables (creating them over HTTP
        // would also run 1,100 orchestrations); the HTTP list must page past Table Storage's 1,000-row pages.
        var tenant = "t-" + Guid.NewGuid().ToString("N");
        var store = new TableTaskStore(
            new TableServiceClient(fixture.StorageConnectionString),
            new BlobServiceClient(fixture.StorageConnectionString),
            Options.Create(new StorageOptions
            {
                ConnectionString = fixture.StorageConnectionString,
                TasksTable = fixture.Host.Environment["Storage__TasksTable"],
                TaskIndexTable = fixture.Host.Environment["Storage__TaskIndexTable"],
            }),
            TimeProvider.System,
            NullLogger<TableTaskStore>.Instance);
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        var created = Enumerable.Range(0, 1100).Select(i => SeedTasks.Generation(tenant, start.AddSeconds(i), i % 2 == 0 ? TaskState.COMPLETED : TaskState.FAILED)).ToList();
        await Parallel.ForEachAsync(created, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (task, ct) => await store.CreateAsync(task, ct));
        var newestFirst = created.OrderByDescending(t => t.CreatedAt).Select(t => t.Id).ToList();
        using var client = fixture.Client(tenant);

        var firstPage = await Ids(client, "?limit=1000");
        var tail = await Ids(client, "?skip=1000&limit=1000");
        var middle = await Ids(client, "?skip=990&limit=20");
        var completedTail = await Ids(client, "?status=COMPLETED&skip=540&limit=100");
        var cappedLimit = await Ids(client, "?limit=5000");

        Assert.Equal(newestFirst.Take(1000), firstPage);
        Assert.Equal(newestFirst.Skip(1000), tail);
        Assert.Equal(newestFirst.Skip(990).Take(20), middle);
        Assert.Equal(created.Where(t => t.Status == TaskState.COMPLETED).OrderByDescending(t => t.CreatedAt).Skip(540).Select(t => t.Id), completedTail);
        Assert.Equal(1000, cappedLimit.Count);
    }

    private static async Task<List<string>> Ids(HttpClient client, string query, string? prefix = null)
    {
        var (status, json) = await ApiCalls.GetAsync(client, (prefix ?? ApiCalls.Tasks) + query);
        Assert.True(status == HttpStatusCode.OK, $"list {query} gave {(int)status}: {json?.ToJsonString()}");
        return json!.AsArray().Select(t => t!["id"]!.GetValue<string>()).ToList();
    }
}
