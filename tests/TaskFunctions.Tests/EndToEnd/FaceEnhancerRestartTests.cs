using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using TaskFunctions.Tests.Infrastructure;
using TaskFunctions.Tests.Infrastructure.FakeFal;

namespace TaskFunctions.Tests.EndToEnd;

/// <summary>
/// FACE_ENHANCER's quality loop across a host crash: each attempt is its own fal job, so a host killed while attempt 2
/// runs must neither repeat attempt 1 nor submit attempt 2 again, but re-attach to it after the restart.
/// </summary>
[Collection("Azurite")]
public sealed class FaceEnhancerRestartTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task FaceEnhancer_KilledWhileSecondAttemptRuns_ReattachesWithoutResubmitting()
    {
        await using var fal = await FakeFalServer.StartAsync();
        await using var webhooks = await WebhookSink.StartAsync();
        var app = FakeFalFixture.NewAppId();
        var script = fal.Script(app)
            .Then(FalJobPlan.SucceedsWithNoise())
            .Then(FalJobPlan.EchoesInputImage().HoldUntilReleased());
        var settings = await Restarts.FalRestartSettingsAsync(fal, webhooks);
        var hostJsonPath = settings["SelfHost__HostJsonPath"];
        try
        {

            await using var first = new SelfHostProcess(azurite.ConnectionString, settings);
            await first.StartAsync();
            using var client = new HttpClient { BaseAddress = first.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestAuth.Token("t-" + Guid.NewGuid().ToString("N")));
            var body = SampleBodies.For("FACE_ENHANCER");
            body["input_image"] = EveryKindTests.DataUri(EveryKindTests.GradientPng(64, 64));
            body["provider_config"] = new JsonObject { ["fal_app_id"] = app };
            var id = (await ApiCalls.CreateAsync(client, body))["id"]!.GetValue<string>();

            // The second attempt's job is submitted and polled: its request id is recorded, so the kill lands mid-job.
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (!SecondJobPolled(fal.Calls(app)))
            {
                Assert.True(DateTime.UtcNow < deadline, $"attempt 2 was never submitted and polled\n--- host ---\n{first.Output}");
                await Task.Delay(50);
            }

            await first.KillAsync();
            await using var second = new SelfHostProcess(azurite.ConnectionString, first.Environment.ToDictionary());
            await second.StartAsync();
            script.Release();
            var final = await Restarts.WaitAfterRestartAsync(first, second, client, id);

            Assert.True(final["status"]!.GetValue<string>() == "COMPLETED", $"task ended {final.ToJsonString()}");
            Assert.Equal(2, final["attempts_used"]!.GetValue<int>());
            Assert.True(final["final_ssim_score"]!.GetValue<double>() >= 0.85, $"final_ssim_score {final["final_ssim_score"]}");
            Assert.Equal($"face-enhancements/{id}/attempt-2.png", final["result_image_path"]!.GetValue<string>());
            var seeds = fal.SubmittedInputs(app).Select(i => i["seed"]!.GetValue<int>()).ToList();
            Assert.Equal([1, 2], seeds);
            var record = await TaskRecords.ReadAsync(second, id);
            Assert.True(record!.Internal.IsResumed == true, $"the second attempt's job must be re-attached (is_resumed)\n--- calls ---\n{string.Join("\n", record.Internal.ServiceRequests?.Select(r => r.ToJsonString()) ?? [])}\n--- first host ---\n{first.Output}\n--- second host ---\n{second.Output}");
        }
        finally
        {
            File.Delete(hostJsonPath);
        }
    }

    /// <summary>Two submits arrived and a status poll after the second (attempts run one after the other, so it is the second job's).</summary>
    private static bool SecondJobPolled(IReadOnlyList<FalCall> calls)
    {
        var submits = 0;
        foreach (var call in calls)
        {
            if (call.Kind == "submit")
            {
                submits++;
            }
            else if (call.Kind == "status" && submits >= 2)
            {
                return true;
            }
        }

        return false;
    }
}
