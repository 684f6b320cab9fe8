using System.Net;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.EndToEnd;

/// <summary>
/// Many writers on one task at once over HTTP: never a 5xx, never a lost update, terminal states stay terminal
/// and DELETE wins over everything.
/// </summary>
[Collection(SelfHostCollection.Name)]
public sealed class ConcurrencyTests(SelfHostFixture fixture)
{
    /// <summary>Update fields the workflow never writes, each given to two writers.</summary>
    private static readonly string[] Fields =
        ["priority", "executor_type", "executor_instance", "origin_zone", "origin_reference", "origin_instance", "celery_task_id", "service_task_id", "config"];

    [Fact]
    public async Task Put_TwentyConcurrentWritersOnOneTask_AllApplyNoneLost()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var id = await SettledTaskAsync(client, "LLM_INTERACTION");
        var writes = new List<(string? Field, JsonNode? Value, string Body)>();
        for (var i = 0; i < 2 * Fields.Length; i++)
        {
            var field = Fields[i % Fields.Length];
            JsonNode value = field switch
            {
                "priority" => 100 + i,
                "config" => new JsonObject { ["writer"] = i },
                _ => $"writer-{i}",
            };
            writes.Add((field, value, new JsonObject { [field] = value.DeepClone() }.ToJsonString()));
        }

        writes.Add((null, null, "{\"status\":\"RUNNING\"}"));
        writes.Add((null, null, "{\"status\":\"PENDING\",\"priority\":1}"));

        using var start = new ManualResetEventSlim();
        var sends = writes.Select(w => Task.Run(async () =>
        {
            start.Wait(TimeSpan.FromSeconds(10));
            return await ApiCalls.SendAsync(client, HttpMethod.Put, ApiCalls.Tasks + id, w.Body);
        })).ToArray();
        start.Set();
        var answers = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(90));
        var (_, final) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + id);

        for (var i = 0; i < writes.Count; i++)
        {
            var (status, body) = answers[i];
            var expected = writes[i].Field is null ? HttpStatusCode.Conflict : HttpStatusCode.OK;
            Assert.True(status == expected, $"{writes[i].Body}: {(int)status} {body?.ToJsonString()}");
        }

        Assert.True(ApiCalls.IsTerminal(final!["status"]!.GetValue<string>()), final.ToJsonString());
        foreach (var field in Fields)
        {
            var candidates = writes.Where(w => w.Field == field).Select(w => w.Value!.ToJsonString()).ToList();
            Assert.Contains(final[field]!.ToJsonString(), candidates);
        }
    }

    [Theory]
    [InlineData("LLM_INTERACTION")]
    [InlineData("GENERATION")]
    [InlineData("IMAGE_ADJUSTER")]
    public async Task MixedWriters_OnOneLiveTask_No5xxAndDeleteWins(string kind)
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var created = await ApiCalls.CreateAsync(client, SampleBodies.For(kind));
        var id = created["id"]!.GetValue<string>();
        var path = ApiCalls.Tasks + id;
        var requests = new List<(HttpMethod Method, string Path, string? Body)>();
        for (var i = 0; i < 6; i++)
        {
            requests.Add((HttpMethod.Put, path, $"{{\"priority\":{i},\"executor_instance\":\"w{i}\"}}"));
        }

        requests.Add((HttpMethod.Put, path, "{\"status\":\"RUNNING\"}"));
        for (var i = 0; i < 3; i++)
        {
            requests.Add((HttpMethod.Post, path + "/cancel", null));
        }

        requests.Add((HttpMethod.Post, path + "/cleanup", null));
        requests.Add((HttpMethod.Post, path + "/cleanup", null));
        requests.Add((HttpMethod.Get, path, null));
        requests.Add((HttpMethod.Delete, path, null));
        requests.Add((HttpMethod.Delete, path, null));

        var answers = await SendAllAsync(client, requests);

        for (var i = 0; i < requests.Count; i++)
        {
            var (status, body) = answers[i];
            Assert.True(
                status is HttpStatusCode.OK or HttpStatusCode.NotFound or HttpStatusCode.Conflict,
                $"{requests[i].Method} {requests[i].Path} {requests[i].Body}: {(int)status} {body?.ToJsonString()}");
            Assert.True(body is JsonObject, $"{requests[i].Method} {requests[i].Path}: body {body?.ToJsonString()}");
        }

        Assert.Contains(answers.Where((_, i) => requests[i].Method == HttpMethod.Delete), a => a.Status == HttpStatusCode.OK);
        var (getStatus, _) = await ApiCalls.GetAsync(client, path);
        var (_, list) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + "?include_deleted=true");
        var (putStatus, _) = await ApiCalls.SendAsync(client, HttpMethod.Put, path, "{\"priority\":9}");
        Assert.Equal(HttpStatusCode.NotFound, getStatus);
        Assert.Equal(HttpStatusCode.NotFound, putStatus);
        Assert.Empty(list!.AsArray());
        Assert.Empty(await ListBlobsAsync(TaskContainer(kind), id + "/"));
        // Nothing runs on and no history is left: a terminate or event a racing request queued before the purge and the
        // backend processed after it is purged again by the DELETE's late-row check.
        Assert.Null(await InstanceStatusAsync(id));
    }

    [Fact]
    public async Task CancelCleanupPut_OnOneLiveTask_EndTerminalAndCancelSticks()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var created = await ApiCalls.CreateAsync(client, SampleBodies.For("LLM_INTERACTION"));
        var path = ApiCalls.Tasks + created["id"]!.GetValue<string>();
        var requests = new List<(HttpMethod Method, string Path, string? Body)>();
        for (var i = 0; i < 5; i++)
        {
            requests.Add((HttpMethod.Put, path, $"{{\"priority\":{i}}}"));
            requests.Add((HttpMethod.Post, path + "/cancel", null));
        }

        requests.Add((HttpMethod.Put, path, "{\"status\":\"COMPLETED\"}"));
        requests.Add((HttpMethod.Post, path + "/cleanup", null));

        var answers = await SendAllAsync(client, requests);
        var (_, final) = await ApiCalls.GetAsync(client, path);

        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{(int)a.Status} {a.Body?.ToJsonString()}"));
        var status = final!["status"]!.GetValue<string>();
        Assert.True(ApiCalls.IsTerminal(status), status);
        var cancelled = answers.Where((a, i) => requests[i].Path.EndsWith("/cancel", StringComparison.Ordinal) && a.Status == HttpStatusCode.OK).ToList();
        if (cancelled.Count > 0)
        {
            Assert.Equal("CANCELLED", status);
        }

        Assert.True(cancelled.Count <= 1, "a task can be cancelled once; later cancels are 409");
        // The workflow is the only other writer: once its orchestration has ended, the state cannot move any more.
        await fixture.WaitForWorkflowEndAsync(created["id"]!.GetValue<string>());
        var (_, later) = await ApiCalls.GetAsync(client, path);
        Assert.Equal(status, later!["status"]!.GetValue<string>());
    }

    private static string TaskContainer(string kind) =>
        TaskFunctions.Core.Tasks.TaskKinds.Container(Enum.Parse<TaskFunctions.Core.Tasks.TaskType>(kind));

    private static async Task<(HttpStatusCode Status, JsonNode? Body)[]> SendAllAsync(HttpClient client, List<(HttpMethod Method, string Path, string? Body)> requests)
    {
        using var start = new ManualResetEventSlim();
        var sends = requests.Select(r => Task.Run(async () =>
        {
            start.Wait(TimeSpan.FromSeconds(10));
            return await ApiCalls.SendAsync(client, r.Method, r.Path, r.Body);
        })).ToArray();
        start.Set();
        return await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(90));
    }

    /// <summary>A task whose workflow has finished (cancelled at once, or already done), so only the test writes to it.</summary>
    private async Task<string> SettledTaskAsync(HttpClient client, string kind)
    {
        var created = await ApiCalls.CreateAsync(client, SampleBodies.For(kind));
        var id = created["id"]!.GetValue<string>();
        await ApiCalls.SendAsync(client, HttpMethod.Post, ApiCalls.Tasks + id + "/cancel");
        await ApiCalls.WaitForAsync(client, id, ApiCalls.IsTerminal);
        await fixture.WaitForWorkflowEndAsync(id);
        return id;
    }

    private async Task<List<string>> ListBlobsAsync(string container, string prefix)
    {
        var client = new BlobServiceClient(fixture.StorageConnectionString).GetBlobContainerClient(container);
        var names = new List<string>();
        if (!await client.ExistsAsync())
        {
            return names;
        }

        await foreach (var item in client.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, CancellationToken.None))
        {
            names.Add(item.Name);
        }

        return names;
    }

    /// <summary>The orchestration's row in the hub's Instances table (its runtime status), or null when there is none.</summary>
    private Task<string?> InstanceStatusAsync(string instanceId) =>
        HubInstances.RuntimeStatusAsync(fixture.StorageConnectionString, fixture.Host.Environment["TASKHUB_NAME"], instanceId);
}
