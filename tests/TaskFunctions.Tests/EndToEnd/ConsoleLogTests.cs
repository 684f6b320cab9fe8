using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using TaskFunctions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TaskFunctions.Tests.EndToEnd;

/// <summary>
/// What a person running the self-host sees: concise single-line logs (one per request, one per state change),
/// no OpenTelemetry span or metric dumps, and no expected storage answers reported as errors.
/// </summary>
[Collection("Azurite")]
public sealed class ConsoleLogTests(AzuriteFixture azurite, ITestOutputHelper log)
{
    [Fact]
    public async Task CreateToComplete_ConsoleShowsConciseRequestAndStateLines()
    {
        // Production defaults: the levels and the Telemetry:Console default of appsettings.json / TelemetryOptions,
        // restated here so SelfHostProcess's own settings cannot differ from what scripts/run gives.
        var production = new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__TaskFunctions"] = "Information",
            ["Telemetry__Console"] = "false",
        };
        await using var host = new SelfHostProcess(azurite.ConnectionString, production);
        await host.StartAsync();
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestAuth.Token("t-" + Guid.NewGuid().ToString("N")));
        var body = SampleBodies.For("IMAGE_ADJUSTER");
        body["input_image"] = TestImages.PngBase64(64, 48);
        body["target_width"] = 32;
        body["target_height"] = 32;
        body["mode"] = "pad";

        var id = (await ApiCalls.CreateAsync(client, body))["id"]!.GetValue<string>();
        var final = await WaitForTerminalAsync(client, id);
        Assert.Equal("COMPLETED", final["status"]!.GetValue<string>());

        // The COMPLETED line is written right after the state change the GET saw, and a request line right after its
        // response went out: give the console a moment for both.
        var output = await WaitForOutputAsync(host, $"Task {id} COMPLETED", $" ms task {id}");
        log.WriteLine(output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Assert.Contains(lines, l => l.Contains(" info: ", StringComparison.Ordinal) && l.Contains("POST /api/v1/tasks 200 ", StringComparison.Ordinal) && l.EndsWith(" ms", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("GET /api/v1/tasks/{task_id} 200 ", StringComparison.Ordinal) && l.EndsWith($" ms task {id}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"Task {id} (IMAGE_ADJUSTER) created", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"Task {id} RUNNING (IMAGE_ADJUSTER", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"Task {id} COMPLETED (IMAGE_ADJUSTER", StringComparison.Ordinal));

        foreach (var marker in new[] { "Activity.TraceId", "Resource associated with Activity", "telemetry.sdk", "Metric Name", "unknown_service" })
        {
            Assert.False(output.Contains(marker, StringComparison.Ordinal), $"span/metric dump marker '{marker}' in the output:\n{output}");
        }

        Assert.DoesNotContain(lines, l => l.Contains(" fail: ", StringComparison.Ordinal) || l.Contains(" crit: ", StringComparison.Ordinal)
            || l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal));
        Assert.True(lines.Length < 60, $"{lines.Length} lines for one task:\n{output}");
    }

    private static async Task<JsonObject> WaitForTerminalAsync(HttpClient client, string id)
    {
        // Polls slowly: every GET is one request line, and the test bounds the line count.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var (status, json) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + id);
            Assert.Equal(HttpStatusCode.OK, status);
            var task = json!.AsObject();
            if (ApiCalls.IsTerminal(task["status"]!.GetValue<string>()) || DateTime.UtcNow > deadline)
            {
                return task;
            }

            await Task.Delay(500);
        }
    }

    private static async Task<string> WaitForOutputAsync(SelfHostProcess host, params string[] texts)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!texts.All(text => host.Output.Contains(text, StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        return host.Output;
    }
}
