using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>Small HTTP helpers for end-to-end tests.</summary>
public static class ApiCalls
{
    public const string Tasks = "api/v1/tasks/";

    public static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient client, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public static Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(HttpClient client, string path, JsonNode body) =>
        SendAsync(client, HttpMethod.Post, path, body.ToJsonString());

    public static Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(HttpClient client, string path) =>
        SendAsync(client, HttpMethod.Get, path);

    /// <summary>Creates a task and returns its public JSON; fails the test on anything but 200.</summary>
    public static async Task<JsonObject> CreateAsync(HttpClient client, JsonObject body)
    {
        var (status, json) = await PostAsync(client, Tasks, body);
        Assert.True(status == HttpStatusCode.OK, $"create returned {(int)status}: {json?.ToJsonString()}");
        return json!.AsObject();
    }

    /// <summary>Polls GET until the task's status satisfies <paramref name="done"/>; returns the last body.</summary>
    public static async Task<JsonObject> WaitForAsync(HttpClient client, string taskId, Func<string, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        JsonObject? last = null;
        while (DateTime.UtcNow < deadline)
        {
            var (status, json) = await GetAsync(client, Tasks + taskId);
            Assert.Equal(HttpStatusCode.OK, status);
            last = json!.AsObject();
            if (done(last["status"]!.GetValue<string>()))
            {
                return last;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Task {taskId} did not reach the expected status; last: {last?.ToJsonString()}");
    }

    public static bool IsTerminal(string status) => status is "COMPLETED" or "FAILED" or "CANCELLED";
}
