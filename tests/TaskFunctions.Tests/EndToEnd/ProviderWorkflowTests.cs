using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using SixLabors.ImageSharp;
using TaskFunctions.Tests.Infrastructure;
using TaskFunctions.Tests.Infrastructure.FakeFal;
using TaskFunctions.Tests.Webhooks;

namespace TaskFunctions.Tests.EndToEnd;

/// <summary>
/// The workflow engine over real HTTP: the self-host on Azurite's Durable backend calls the fake fal queue API
/// (scripted per app id) and posts webhooks to a local receiver.
/// </summary>
[Collection("SelfHost")]
public sealed class ProviderWorkflowTests(SelfHostFixture fixture)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Generation_FalSucceeds_CompletesWithProgressAndResultBlob()
    {
        var app = NewApp();
        fixture.Fal.Script(app).Then(FalJobPlan.Succeeds(queuePolls: 2, progressPolls: 3, width: 64, height: 48));
        using var client = Client();
        var body = Generation(app);
        body["width"] = 64;
        body["height"] = 48;
        body["seed"] = 7;
        var id = (await ApiCalls.CreateAsync(client, body))["id"]!.GetValue<string>();

        var seen = new List<double>();
        JsonObject final;
        var deadline = DateTime.UtcNow + Long;
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, $"task {id} did not finish in time; progress seen: {string.Join(", ", seen)}");
            var (_, json) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + id);
            final = json!.AsObject();
            seen.Add(final["progress"]!.GetValue<double>());
            if (ApiCalls.IsTerminal(final["status"]!.GetValue<string>()))
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Equal("COMPLETED", final["status"]!.GetValue<string>());
        Assert.Equal(100, final["progress"]!.GetValue<double>());
        Assert.Contains(seen, p => p is > 0 and < 100);
        Assert.Equal(seen.Order(), seen); // progress never goes back
        Assert.Equal(0, final["retry_count"]!.GetValue<int>());
        Assert.Equal($"generations/{id}/result.png", final["result_image_path"]!.GetValue<string>());
        Assert.Equal(app, final["fal_app_id"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(final["fal_request_id"]!.GetValue<string>()));
        using (var image = Image.Load(await DownloadAsync(final["result_image_path"]!.GetValue<string>())))
        {
            Assert.Equal((64, 48), (image.Width, image.Height));
        }

        var submit = Assert.Single(fixture.Fal.Calls(app), c => c.Kind == "submit");
        Assert.Equal("Key " + fixture.Fal.ApiKey, submit.Headers["Authorization"]);
        var input = JsonNode.Parse(submit.Body)!;
        Assert.Equal("a red bicycle", input["prompt"]!.GetValue<string>());
        Assert.Equal(64, input["image_size"]!["width"]!.GetValue<int>());
        Assert.Equal(7, input["seed"]!.GetValue<int>());

        var record = await TaskRecords.ReadAsync(fixture.Host, id);
        var calls = record!.Internal.ServiceRequests!;
        Assert.Contains(calls, c => c["method"]!.GetValue<string>() == "POST" && c["status_code"]!.GetValue<int>() == 200);
        Assert.Contains(calls, c => c["url"]!.GetValue<string>().EndsWith("/status", StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.Fal.ApiKey, string.Join("\n", calls.Select(c => c.ToJsonString())), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_TaskWithoutWebhookUrl_StateNone()
    {
        var app = NewApp();
        using var client = Client();

        var final = await RunAsync(client, Generation(app));
        var (code, status) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + final["id"]!.GetValue<string>() + "/webhook");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("none", status!["state"]!.GetValue<string>());
        Assert.Equal(0, status["attempts"]!.GetValue<int>());
    }

    [Fact]
    public async Task ExperimentalFal_FalSucceeds_StoresOutputJsonWithFilesCopied()
    {
        var app = NewApp();
        fixture.Fal.Script(app).Then(FalJobPlan.SucceedsWithJson("""{"image":{"url":"{file}","content_type":"image/png"},"note":"done"}"""));
        using var client = Client();
        var body = SampleBodies.For("EXPERIMENTAL_FAL");
        body["fal_app_id"] = app;
        body["fal_parameters"] = new JsonObject { ["prompt"] = "a cat", ["steps"] = 3 };

        var final = await RunAsync(client, body);

        Assert.Equal("COMPLETED", final["status"]!.GetValue<string>());
        var id = final["id"]!.GetValue<string>();
        Assert.Equal($"experimental-fal/{id}/result.json", final["result_url"]!.GetValue<string>());
        var output = JsonNode.Parse(await DownloadAsync(final["result_url"]!.GetValue<string>()))!;
        Assert.Equal("done", output["note"]!.GetValue<string>());
        Assert.Equal($"experimental-fal/{id}/result.png", output["image"]!["url"]!.GetValue<string>());
        var submit = Assert.Single(fixture.Fal.Calls(app), c => c.Kind == "submit");
        Assert.True(JsonNode.DeepEquals(body["fal_parameters"], JsonNode.Parse(submit.Body)), "fal_parameters must go to fal as-is");
    }

    [Fact]
    public async Task Generation_TwoTransientFailuresThenSuccess_RetryCountTwo()
    {
        var app = NewApp();
        fixture.Fal.Script(app)
            .Then(FalJobPlan.SubmitFails(503, """{"detail":"runner scheduling failure","error_type":"runner_scheduling_failure"}""", ("X-Fal-Error-Type", "runner_scheduling_failure")))
            .Then(FalJobPlan.SubmitFails(500, """{"detail":"Internal Server Error"}"""))
            .Then(FalJobPlan.Succeeds());
        using var client = Client();

        var final = await RunAsync(client, Generation(app));

        Assert.Equal("COMPLETED", final["status"]!.GetValue<string>());
        Assert.Equal(2, final["retry_count"]!.GetValue<int>());
        Assert.Equal(2, final["errors"]!.AsArray().Count);
        Assert.Null(final["error_category"]);
        Assert.Equal(3, fixture.Fal.SubmitCount(app));
    }

    [Fact]
    public async Task Generation_PrimaryExhausted_FallbackSucceedsWithCapabilitiesSwapped()
    {
        var primary = NewApp();
        var fallback = NewApp();
        fixture.Fal.Script(primary).Then(FalJobPlan.SubmitFails(502, """{"detail":"Bad Gateway"}"""));
        fixture.Fal.Script(fallback).Then(FalJobPlan.Succeeds());
        using var client = Client();
        var body = Generation(null);
        body["provider_type"] = "FAL";
        body["provider_config"] = new JsonObject { ["fal_app_id"] = primary };
        body["active_provider_capabilities"] = new JsonArray("PRIMARY_CAP");
        body["fallback_provider_type"] = "FAL";
        body["fallback_provider_config"] = new JsonObject { ["fal_app_id"] = fallback };
        body["fallback_provider_capabilities"] = new JsonArray("FALLBACK_CAP");

        var final = await RunAsync(client, body);

        Assert.Equal("COMPLETED", final["status"]!.GetValue<string>());
        Assert.Equal(3, fixture.Fal.SubmitCount(primary));
        Assert.Equal(1, fixture.Fal.SubmitCount(fallback));
        Assert.Equal(2, final["retry_count"]!.GetValue<int>());
        Assert.Equal(3, final["errors"]!.AsArray().Count);
        Assert.Equal("FALLBACK_CAP", Assert.Single(final["active_provider_capabilities"]!.AsArray())!.GetValue<string>());
        Assert.Equal(fallback, final["provider_config"]!["fal_app_id"]!.GetValue<string>());
        Assert.Equal(fallback, final["fal_app_id"]!.GetValue<string>());
        var record = await TaskRecords.ReadAsync(fixture.Host, final["id"]!.GetValue<string>());
        Assert.True(record!.Internal.FallbackUsed);
    }

    [Fact]
    public async Task Generation_ValidationError_FailsAtOnceWithoutRetryOrFallback()
    {
        var primary = NewApp();
        var fallback = NewApp();
        fixture.Fal.Script(primary).Then(FalJobPlan.SubmitFails(422, """{"detail":[{"loc":["body","prompt"],"msg":"field required","type":"missing"}]}"""));
        using var client = Client();
        var body = Generation(null);
        body["provider_config"] = new JsonObject { ["fal_app_id"] = primary };
        body["provider_type"] = "FAL";
        body["fallback_provider_type"] = "FAL";
        body["fallback_provider_config"] = new JsonObject { ["fal_app_id"] = fallback };

        var final = await RunAsync(client, body);

        Assert.Equal("FAILED", final["status"]!.GetValue<string>());
        Assert.Equal("VALIDATION", final["error_category"]!.GetValue<string>());
        Assert.Equal(0, final["retry_count"]!.GetValue<int>());
        Assert.Contains("field required", Assert.Single(final["errors"]!.AsArray())!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, fixture.Fal.SubmitCount(primary));
        Assert.Equal(0, fixture.Fal.SubmitCount(fallback));
        Assert.NotNull(final["completed_at"]);
    }

    [Fact]
    public async Task Generation_ContentPolicy_FailsWithoutRetry()
    {
        var app = NewApp();
        fixture.Fal.Script(app).Then(FalJobPlan.ResultFails(
            422, """{"detail":[{"loc":["body","prompt"],"msg":"The content was flagged","type":"content_policy_violation"}]}""", ("X-Fal-Retryable", "false")));
        using var client = Client();

        var final = await RunAsync(client, Generation(app));

        Assert.Equal("FAILED", final["status"]!.GetValue<string>());
        Assert.Equal("CONTENT_POLICY", final["error_category"]!.GetValue<string>());
        Assert.Equal(0, final["retry_count"]!.GetValue<int>());
        Assert.Equal(1, fixture.Fal.SubmitCount(app));
    }

    [Fact]
    public async Task Generation_RateLimitedWithRetryAfter_WaitsBeforeRetrying()
    {
        var app = NewApp();
        fixture.Fal.Script(app)
            .Then(FalJobPlan.SubmitFails(429, """{"detail":"Too many requests"}""", ("Retry-After", "3")))
            .Then(FalJobPlan.Succeeds());
        using var client = Client();

        var final = await RunAsync(client, Generation(app));

        Assert.Equal("COMPLETED", final["status"]!.GetValue<string>());
        Assert.Equal(1, final["retry_count"]!.GetValue<int>());
        var submits = fixture.Fal.Calls(app).Where(c => c.Kind == "submit").ToList();
        Assert.Equal(2, submits.Count);
        // The configured backoff is 0.2 s; only Retry-After explains the gap.
        Assert.True(submits[1].At - submits[0].At >= TimeSpan.FromSeconds(3), $"retried after {(submits[1].At - submits[0].At).TotalSeconds:0.00} s");
    }

    [Fact]
    public async Task Generation_SubmitHangs_TimesOutAndRetries()
    {
        var app = NewApp();
        fixture.Fal.Script(app).Then(FalJobPlan.SubmitHangs()).Then(FalJobPlan.Succeeds());
        using var client = Client();

        var final = await RunAsync(client, Generation(app));

        Assert.Equal("COMPLETED", final["status"]!.GetValue<string>());
        Assert.Equal(1, final["retry_count"]!.GetValue<int>());
        Assert.Contains("no answer within", Assert.Single(final["errors"]!.AsArray())!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generation_JobNeverFinishes_DeadlineCancelsItAndRetries()
    {
        var app = NewApp();
        fixture.Fal.Script(app).Then(FalJobPlan.Hangs()).Then(FalJobPlan.Succeeds());
        using var client = Client();

        var final = await RunAsync(client, Generation(app));

        Assert.Equal("COMPLETED", final["status"]!.GetValue<string>());
        Assert.Equal(1, final["retry_count"]!.GetValue<int>());
        Assert.Contains("produced no result within", Assert.Single(final["errors"]!.AsArray())!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, fixture.Fal.CancelCount(app));
    }

    [Fact]
    public async Task Generation_CancelledWhileJobRuns_CancelsProviderJobAndIgnoresLateResult()
    {
        var app = NewApp();
        var script = fixture.Fal.Script(app).Then(FalJobPlan.Succeeds().HoldUntilReleased());
        var endpoint = fixture.Webhooks.Endpoint(200);
        using var client = Client();
        var body = Generation(app);
        body["webhook_url"] = endpoint.ToString();
        var id = (await ApiCalls.CreateAsync(client, body))["id"]!.GetValue<string>();
        await WaitUntilAsync(() => fixture.Fal.Calls(app).Any(c => c.Kind == "status"));

        var (status, cancelled) = await ApiCalls.PostAsync(client, ApiCalls.Tasks + id + "/cancel", new JsonObject());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("CANCELLED", cancelled!["status"]!.GetValue<string>());
        await WaitUntilAsync(() => fixture.Fal.CancelCount(app) == 1);
        script.Release();
        // From here a status poll would see the job COMPLETED; once the orchestration has ended it polls and fetches no more.
        await fixture.WaitForWorkflowEndAsync(id, Long);

        var (_, final) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + id);
        Assert.Equal("CANCELLED", final!["status"]!.GetValue<string>());
        Assert.Null(final["result_image_path"]);
        Assert.DoesNotContain(fixture.Fal.Calls(app), c => c.Kind == "result");
        var blobs = new BlobServiceClient(fixture.StorageConnectionString).GetBlobContainerClient("generations");
        await foreach (var blob in blobs.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, id + "/", CancellationToken.None))
        {
            Assert.Contains("/inputs/", blob.Name, StringComparison.Ordinal);
        }

        // The cancelled state is terminal too: its webhook goes out.
        var delivery = Assert.Single(await fixture.Webhooks.WaitForAsync(endpoint, 1, Long));
        Assert.Equal("CANCELLED", JsonNode.Parse(delivery.Body)!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Webhook_TaskCompletes_ReceiverGetsSignedPublicDocument()
    {
        var app = NewApp();
        var endpoint = fixture.Webhooks.Endpoint(200);
        using var client = Client();
        var body = Generation(app);
        body["webhook_url"] = endpoint.ToString();

        var final = await RunAsync(client, body);
        var delivery = Assert.Single(await fixture.Webhooks.WaitForAsync(endpoint, 1, Long));

        Assert.True(SignatureValid(delivery, fixture.Webhooks.Secret), "Standard Webhooks signature must verify");
        var sent = JsonNode.Parse(delivery.Body)!;
        Assert.Equal(final["id"]!.GetValue<string>(), sent["id"]!.GetValue<string>());
        Assert.Equal("COMPLETED", sent["status"]!.GetValue<string>());
        Assert.Null(sent["_internal"]);
        var status = await WaitForWebhookStateAsync(client, final["id"]!.GetValue<string>(), "delivered");
        Assert.Equal(1, status["attempts"]!.GetValue<int>());
        Assert.Equal(200, status["last_status_code"]!.GetValue<int>());
        Assert.Equal(delivery.Headers["webhook-id"], status["webhook_id"]!.GetValue<string>());
        Assert.NotNull(status["delivered_at"]);
    }

    [Fact]
    public async Task Webhook_ReceiverFailsOnce_RetriedWithSameWebhookId()
    {
        var app = NewApp();
        fixture.Fal.Script(app).Then(FalJobPlan.SubmitFails(422, """{"detail":[{"loc":["body"],"msg":"bad","type":"value_error"}]}"""));
        var endpoint = fixture.Webhooks.Endpoint(500, 200);
        using var client = Client();
        var body = Generation(app);
        body["webhook_url"] = endpoint.ToString();

        var final = await RunAsync(client, body);
        var deliveries = await fixture.Webhooks.WaitForAsync(endpoint, 2, Long);

        Assert.Equal(2, deliveries.Count);
        Assert.Equal(deliveries[0].Headers["webhook-id"], deliveries[1].Headers["webhook-id"]);
        Assert.All(deliveries, d => Assert.True(SignatureValid(d, fixture.Webhooks.Secret)));
        Assert.Equal("FAILED", JsonNode.Parse(deliveries[1].Body)!["status"]!.GetValue<string>());
        var status = await WaitForWebhookStateAsync(client, final["id"]!.GetValue<string>(), "delivered");
        Assert.Equal(2, status["attempts"]!.GetValue<int>());
    }

    [Fact]
    public async Task Webhook_ReceiverAnswers410_StopsRetrying()
    {
        var app = NewApp();
        var endpoint = fixture.Webhooks.Endpoint(410);
        using var client = Client();
        var body = Generation(app);
        body["webhook_url"] = endpoint.ToString();

        var final = await RunAsync(client, body);
        await fixture.Webhooks.WaitForAsync(endpoint, 1, Long);
        var status = await WaitForWebhookStateAsync(client, final["id"]!.GetValue<string>(), "gone");
        // Delivery is the workflow's last step: once the orchestration has ended, no retry can follow.
        await fixture.WaitForWorkflowEndAsync(final["id"]!.GetValue<string>(), Long);

        Assert.Single(fixture.Webhooks.Received(endpoint));
        Assert.Equal(410, status["last_status_code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Webhook_TargetIsAPrivateAddress_RefusedWithoutRetry()
    {
        var app = NewApp();
        using var client = Client();
        var body = Generation(app);
        body["webhook_url"] = "http://127.0.0.1:9/hook"; // loopback, not in Outbound:AllowedHosts

        var final = await RunAsync(client, body);
        var status = await WaitForWebhookStateAsync(client, final["id"]!.GetValue<string>(), "refused");

        Assert.Equal("COMPLETED", final["status"]!.GetValue<string>());
        Assert.Equal(1, status["attempts"]!.GetValue<int>());
        Assert.Null(status["last_status_code"]);
        Assert.DoesNotContain("127.0.0.1", status["last_error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>The receiver's check, written from the Standard Webhooks spec (not with the service's signer).</summary>
    private static bool SignatureValid(WebhookPost delivery, string secret) =>
        StandardWebhooksVerifier.Verify(
            secret,
            delivery.Headers.GetValueOrDefault("webhook-id"),
            delivery.Headers.GetValueOrDefault("webhook-timestamp"),
            delivery.Headers.GetValueOrDefault("webhook-signature"),
            Encoding.UTF8.GetBytes(delivery.Body),
            DateTimeOffset.UtcNow);

    private static async Task<JsonObject> WaitForWebhookStateAsync(HttpClient client, string id, string state)
    {
        var deadline = DateTime.UtcNow + Long;
        while (true)
        {
            var (code, json) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + id + "/webhook");
            Assert.Equal(HttpStatusCode.OK, code);
            if (json!["state"]!.GetValue<string>() == state || DateTime.UtcNow > deadline)
            {
                Assert.Equal(state, json["state"]!.GetValue<string>());
                return json.AsObject();
            }

            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Put_TerminalStatusWhileJobRuns_StopsTheWorkflowCancelsTheJobAndSendsTheWebhook()
    {
        var app = NewApp();
        fixture.Fal.Script(app).Then(FalJobPlan.Hangs());
        var endpoint = fixture.Webhooks.Endpoint(200);
        using var client = Client();
        var body = Generation(app);
        body["webhook_url"] = endpoint.ToString();
        var id = (await ApiCalls.CreateAsync(client, body))["id"]!.GetValue<string>();
        await WaitUntilAsync(() => fixture.Fal.Calls(app).Any(c => c.Kind == "status"));

        var (status, updated) = await ApiCalls.SendAsync(client, HttpMethod.Put, ApiCalls.Tasks + id, """{"status":"FAILED","errors":["stopped by the caller"]}""");
        await WaitUntilAsync(() => fixture.Fal.CancelCount(app) >= 1);
        var posts = await fixture.Webhooks.WaitForAsync(endpoint, 1, Long);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("FAILED", updated!["status"]!.GetValue<string>());
        Assert.Equal(1, fixture.Fal.CancelCount(app));
        Assert.Equal("FAILED", JsonNode.Parse(Assert.Single(posts).Body)!["status"]!.GetValue<string>());
        var (_, final) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + id);
        Assert.Equal("FAILED", final!["status"]!.GetValue<string>());
        Assert.Null(final["result_image_path"]);
    }

    [Fact]
    public async Task Delete_WhileJobRuns_CancelsTheProviderJob()
    {
        var app = NewApp();
        fixture.Fal.Script(app).Then(FalJobPlan.Hangs());
        using var client = Client();
        var id = (await ApiCalls.CreateAsync(client, Generation(app)))["id"]!.GetValue<string>();
        await WaitUntilAsync(() => fixture.Fal.Calls(app).Any(c => c.Kind == "status"));

        var (status, _) = await ApiCalls.SendAsync(client, HttpMethod.Delete, ApiCalls.Tasks + id);
        var (after, _) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + id);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.NotFound, after);
        Assert.Equal(1, fixture.Fal.CancelCount(app));
        Assert.Equal(1, fixture.Fal.SubmitCount(app));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Long;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(50);
        }
    }

    private async Task<JsonObject> RunAsync(HttpClient client, JsonObject body)
    {
        var id = (await ApiCalls.CreateAsync(client, body))["id"]!.GetValue<string>();
        return await ApiCalls.WaitForAsync(client, id, ApiCalls.IsTerminal, Long);
    }

    private HttpClient Client() => fixture.Client("t-" + Guid.NewGuid().ToString("N"));

    private static string NewApp() => $"test-{Guid.NewGuid():N}/app";

    private static JsonObject Generation(string? app)
    {
        var body = SampleBodies.For("GENERATION");
        if (app is not null)
        {
            body["fal_app_id"] = app;
        }

        return body;
    }

    private Task<byte[]> DownloadAsync(string path) => TaskBlobs.DownloadAsync(fixture.StorageConnectionString, path);
}
