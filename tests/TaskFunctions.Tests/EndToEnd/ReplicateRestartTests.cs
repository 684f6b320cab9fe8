using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using TaskFunctions.Tests.Infrastructure;
using TaskFunctions.Tests.Infrastructure.FakeComfyUI;
using TaskFunctions.Tests.Infrastructure.FakeFal;
using TaskFunctions.Tests.Infrastructure.FakeOpenAI;
using TaskFunctions.Tests.Infrastructure.FakeReplicate;

namespace TaskFunctions.Tests.EndToEnd;

/// <summary>
/// A Replicate prediction across a host crash: the prediction id is recorded right after the create, so the restarted
/// host re-attaches to the same prediction instead of creating (and paying for) a second one.
/// </summary>
[Collection("Azurite")]
public sealed class ReplicateRestartTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Replicate_KilledWhilePredictionRuns_ResumesWithoutASecondCreate()
    {
        await using var fal = await FakeFalServer.StartAsync();
        await using var webhooks = await WebhookSink.StartAsync();
        await using var replicate = await FakeReplicateServer.StartAsync();
        await using var openAI = await FakeOpenAIServer.StartAsync();
        await using var comfy = await FakeComfyUIServer.StartAsync();
        var model = $"test-{Guid.NewGuid():N}/model";
        var script = replicate.Script(model).Then(ReplicatePlan.Succeeds().HoldUntilReleased());
        var hostJsonPath = await Restarts.ShortVisibilityHostJsonAsync();
        try
        {
            var settings = ProviderTestSettings.WithProviders(ProviderTestSettings.For(fal, webhooks), replicate, openAI, comfy);
            settings["SelfHost__HostJsonPath"] = hostJsonPath;
            settings["Providers__Replicate__Polling__Deadline"] = "00:05:00";
            settings["Providers__Replicate__Polling__ResumeGap"] = "00:00:03";

            await using var first = new SelfHostProcess(azurite.ConnectionString, settings);
            await first.StartAsync();
            using var client = new HttpClient { BaseAddress = first.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestAuth.Token("t-" + Guid.NewGuid().ToString("N")));
            var body = SampleBodies.For("GENERATION");
            body["provider_type"] = "REPLICATE";
            body["provider_config"] = new JsonObject { ["model"] = model };
            var id = (await ApiCalls.CreateAsync(client, body))["id"]!.GetValue<string>();

            // Created and polled at least once: the prediction id is on the record, so the kill lands mid-prediction.
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (replicate.GetCount(model) < 1)
            {
                Assert.True(DateTime.UtcNow < deadline, $"the prediction was never polled\n--- host ---\n{first.Output}");
                await Task.Delay(50);
            }

            await first.KillAsync();
            await using var second = new SelfHostProcess(azurite.ConnectionString, first.Environment.ToDictionary());
            await second.StartAsync();
            script.Release();
            var final = await Restarts.WaitAfterRestartAsync(first, second, client, id);

            Assert.True(final["status"]!.GetValue<string>() == "COMPLETED", $"task ended {final.ToJsonString()}");
            Assert.Equal(1, replicate.CreateCount(model));
            Assert.Equal($"generations/{id}/result.png", final["result_image_path"]!.GetValue<string>());
            var record = await TaskRecords.ReadAsync(second, id);
            Assert.True(record!.Internal.IsResumed, "the prediction must be re-attached (is_resumed)");
        }
        finally
        {
            File.Delete(hostJsonPath);
        }
    }
}
