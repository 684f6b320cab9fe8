using System.Text.Json.Nodes;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>What the kill-and-restart tests share: a host.json that re-delivers interrupted work fast, and the wait on the second host.</summary>
public static class Restarts
{
    /// <summary>Waits for the task to end on the restarted host; a timeout shows both hosts' output.</summary>
    public static async Task<JsonObject> WaitAfterRestartAsync(SelfHostProcess first, SelfHostProcess second, HttpClient firstClient, string id)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(firstClient);
        using var client = new HttpClient { BaseAddress = second.BaseAddress };
        client.DefaultRequestHeaders.Authorization = firstClient.DefaultRequestHeaders.Authorization;
        try
        {
            return await ApiCalls.WaitForAsync(client, id, ApiCalls.IsTerminal, TimeSpan.FromMinutes(3));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\n--- first host ---\n{first.Output}\n--- second host ---\n{second.Output}", ex);
        }
    }

    /// <summary>
    /// Settings for a kill-and-restart test of fal jobs: the fakes, the short-visibility host.json (the caller deletes
    /// <c>SelfHost__HostJsonPath</c>), a deadline long enough to outlive the restart and a short resume gap.
    /// </summary>
    public static async Task<Dictionary<string, string>> FalRestartSettingsAsync(FakeFal.FakeFalServer fal, WebhookSink webhooks)
    {
        var settings = ProviderTestSettings.For(fal, webhooks);
        settings["SelfHost__HostJsonPath"] = await ShortVisibilityHostJsonAsync();
        settings["Providers__Fal__Polling__Deadline"] = "00:05:00";
        settings["Providers__Fal__Polling__ResumeGap"] = "00:00:03";
        return settings;
    }

    /// <summary>
    /// Same host.json as production except short visibility timeouts, so an interrupted activity or orchestration step
    /// is re-delivered in seconds rather than the production 5 minutes. The caller deletes the file.
    /// </summary>
    public static async Task<string> ShortVisibilityHostJsonAsync()
    {
        var hostJson = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "host.json")))!;
        var storageProvider = hostJson["extensions"]!["durableTask"]!["storageProvider"]!;
        storageProvider["workItemQueueVisibilityTimeout"] = "00:00:10";
        storageProvider["controlQueueVisibilityTimeout"] = "00:00:10";
        var hostJsonPath = Path.Combine(Path.GetTempPath(), $"host-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(hostJsonPath, hostJson.ToJsonString());
        return hostJsonPath;
    }
}
