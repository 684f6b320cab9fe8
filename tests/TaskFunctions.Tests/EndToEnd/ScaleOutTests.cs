using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;
using TaskFunctions.Tests.Infrastructure.FakeFal;

namespace TaskFunctions.Tests.EndToEnd;

/// <summary>
/// Two self-host processes on one task hub and storage: both serve the API and run work; when one is killed (no graceful
/// shutdown) with tasks in flight, the other takes its partitions over and finishes every task.
/// </summary>
[Collection("Azurite")]
public sealed class ScaleOutTests(AzuriteFixture azurite)
{
    private const int Tasks = 20;

    [Fact]
    public async Task TwoInstances_OneKilledWithTasksInFlight_OtherFinishesThem()
    {
        await using var fal = await FakeFalServer.StartAsync();
        await using var webhooks = await WebhookSink.StartAsync();
        var app = $"test-{Guid.NewGuid():N}/app";
        var script = fal.Script(app).Then(FalJobPlan.Succeeds().HoldUntilReleased());
        var settings = await Restarts.FalRestartSettingsAsync(fal, webhooks);
        var hostJsonPath = settings["SelfHost__HostJsonPath"];

        await using var first = new SelfHostProcess(azurite.ConnectionString, settings);
        var shared = first.Environment.Where(e => e.Key != "SelfHost__Port").ToDictionary();
        await using var second = new SelfHostProcess(azurite.ConnectionString, shared);
        await Task.WhenAll(first.StartAsync(), second.StartAsync());
        var token = new AuthenticationHeaderValue("Bearer", TestAuth.Token("t-" + Guid.NewGuid().ToString("N")));
        using var viaFirst = new HttpClient { BaseAddress = first.BaseAddress };
        using var viaSecond = new HttpClient { BaseAddress = second.BaseAddress };
        viaFirst.DefaultRequestHeaders.Authorization = token;
        viaSecond.DefaultRequestHeaders.Authorization = token;

        // Both serve the API: half the tasks are created through each instance.
        var ids = new List<string>();
        for (var i = 0; i < Tasks; i++)
        {
            var body = SampleBodies.For("GENERATION");
            body["fal_app_id"] = app;
            ids.Add((await ApiCalls.CreateAsync(i % 2 == 0 ? viaFirst : viaSecond, body))["id"]!.GetValue<string>());
        }

        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (fal.SubmitCount(app) < Tasks || fal.Calls(app).Count(c => c.Kind == "status") < Tasks)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {fal.SubmitCount(app)} of {Tasks} jobs were submitted and polled");
            await Task.Delay(100);
        }

        // Both run work: the submits were made by activities in both processes.
        await using var services = await CoreServices.BuildAsync(azurite.ConnectionString, extraSettings: new Dictionary<string, string?>
        {
            ["Storage:TasksTable"] = first.Environment["Storage__TasksTable"],
            ["Storage:TaskIndexTable"] = first.Environment["Storage__TaskIndexTable"],
        });
        var workers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var stored = await services.GetRequiredService<ITaskStore>().GetAsync(id);
            workers.Add(TaskJson.DeserializeDocument(stored!.Document).Internal.ActiveJob!.LastWorker!);
        }

        await first.KillAsync();
        script.Release();

        foreach (var id in ids)
        {
            var final = await WaitAsync(viaSecond, id, first, second);
            Assert.True(final["status"]!.GetValue<string>() == "COMPLETED", final.ToJsonString());
        }

        Assert.True(workers.Count == 2, $"submits ran in {workers.Count} process(es): {string.Join(", ", workers)}");

        // A submit re-delivered after the kill is either re-attached (recorded job) or, on fal, recorded as unconfirmed.
        var unconfirmed = 0;
        foreach (var id in ids)
        {
            var stored = await services.GetRequiredService<ITaskStore>().GetAsync(id);
            unconfirmed += TaskJson.DeserializeDocument(stored!.Document).Internal.UnconfirmedSubmits?.Count ?? 0;
        }

        Assert.True(fal.SubmitCount(app) <= Tasks + unconfirmed, $"{fal.SubmitCount(app)} submits for {Tasks} tasks, {unconfirmed} recorded as unconfirmed");
        File.Delete(hostJsonPath);
    }

    private static async Task<System.Text.Json.Nodes.JsonObject> WaitAsync(HttpClient client, string id, SelfHostProcess first, SelfHostProcess second)
    {
        try
        {
            return await ApiCalls.WaitForAsync(client, id, ApiCalls.IsTerminal, TimeSpan.FromMinutes(3));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\n--- killed instance ---\n{first.Output}\n--- surviving instance ---\n{second.Output}", ex);
        }
    }
}
