using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using TaskFunctions.Tests.Infrastructure;
using TaskFunctions.Tests.Infrastructure.FakeFal;

namespace TaskFunctions.Tests.EndToEnd;

/// <summary>
/// Kills the self-host (no graceful shutdown) while a task is RUNNING and starts it again on the same task hub:
/// the Durable backend re-delivers the interrupted activity and the task completes.
/// </summary>
[Collection("Azurite")]
public sealed class RestartTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task SelfHost_KilledWhileTaskRunning_CompletesTaskAfterRestart()
    {
        var hostJsonPath = await Restarts.ShortVisibilityHostJsonAsync();
        var extra = new Dictionary<string, string>
        {
            ["SelfHost__HostJsonPath"] = hostJsonPath,
            ["Logging__LogLevel__DurableTask.AzureStorage"] = "Information",
        };

        await using var first = new SelfHostProcess(azurite.ConnectionString, extra);
        await first.StartAsync();
        using var client = new HttpClient { BaseAddress = first.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestAuth.Token("t-" + Guid.NewGuid().ToString("N")));
        var body = SampleBodies.For("IMAGE_ADJUSTER");
        body["input_image"] = TestImages.PngBase64(6000, 6000);
        body["target_width"] = 5000;
        body["target_height"] = 4000;
        body["mode"] = "pad";
        body["resampling"] = "lanczos";
        var id = (await ApiCalls.CreateAsync(client, body))["id"]!.GetValue<string>();

        var atKill = await ApiCalls.WaitForAsync(client, id, s => s != "PENDING");
        await first.KillAsync();
        Assert.Equal("RUNNING", atKill["status"]!.GetValue<string>());

        await using var second = new SelfHostProcess(azurite.ConnectionString, first.Environment.ToDictionary());
        await second.StartAsync();
        var final = await Restarts.WaitAfterRestartAsync(first, second, client, id);

        Assert.Equal("COMPLETED", final["status"]!.GetValue<string>());
        Assert.Equal($"image-adjustments/{id}/result.png", final["result_image_path"]!.GetValue<string>());
        File.Delete(hostJsonPath);
    }

    [Fact]
    public async Task SelfHost_KilledWhileProviderJobRuns_ReattachesWithoutSubmittingTwice()
    {
        await using var fal = await FakeFalServer.StartAsync();
        await using var webhooks = await WebhookSink.StartAsync();
        var app = $"test-{Guid.NewGuid():N}/app";
        var script = fal.Script(app).Then(FalJobPlan.Succeeds().HoldUntilReleased());
        var settings = await Restarts.FalRestartSettingsAsync(fal, webhooks);
        var hostJsonPath = settings["SelfHost__HostJsonPath"];

        await using var first = new SelfHostProcess(azurite.ConnectionString, settings);
        await first.StartAsync();
        using var client = new HttpClient { BaseAddress = first.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestAuth.Token("t-" + Guid.NewGuid().ToString("N")));
        var body = SampleBodies.For("GENERATION");
        body["fal_app_id"] = app;
        var id = (await ApiCalls.CreateAsync(client, body))["id"]!.GetValue<string>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!fal.Calls(app).Any(c => c.Kind == "status"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the job was never polled");
            await Task.Delay(50);
        }

        await first.KillAsync();
        await using var second = new SelfHostProcess(azurite.ConnectionString, first.Environment.ToDictionary());
        await second.StartAsync();
        script.Release();
        var final = await Restarts.WaitAfterRestartAsync(first, second, client, id);

        Assert.Equal("COMPLETED", final["status"]!.GetValue<string>());
        Assert.Equal(1, fal.SubmitCount(app));
        var record = await TaskRecords.ReadAsync(second, id);
        Assert.True(record!.Internal.IsResumed);
        Assert.True(record.Internal.ResumeAttemptCount >= 1);
        Assert.NotNull(record.Internal.LastResumeAttempt);
        File.Delete(hostJsonPath);
    }

    [Fact]
    public async Task SelfHost_Sigterm_ShutsDownCleanlyWithoutHanging()
    {
        // Without the lifecycle service that stops the worker and then the backend, Kestrel waits 20–30 s
        // on the worker's open work-item stream; a clean stop exits well inside the grace period.
        await using var host = new SelfHostProcess(azurite.ConnectionString);
        await host.StartAsync();

        var exitCode = await host.StopGracefullyAsync(TimeSpan.FromSeconds(15));

        Assert.True(exitCode == 0, $"exit code {exitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none (killed after 15 s)"}:\n{host.Output}");
    }
}

