using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Providers.Fal;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure.FakeFal;

namespace TaskFunctions.Tests.Providers.Fal;

/// <summary>The real <see cref="FalQueueClient"/>, built through DI, against <see cref="FakeFalServer"/> over HTTP.</summary>
public sealed class FalQueueClientTests(FakeFalFixture fixture) : IClassFixture<FakeFalFixture>
{
    private FakeFalServer Fal => fixture.Server;

    [Fact]
    public async Task SubmitAsync_Input_IsSentAsIsWithKeyAndStartTimeout()
    {
        var appId = FakeFalFixture.NewAppId();
        using var client = Client();
        var input = new JsonObject
        {
            ["prompt"] = "a red fox, \"quoted\" ünïcode",
            ["image_size"] = new JsonObject { ["width"] = 1024, ["height"] = 768 },
            ["num_images"] = 2,
            ["loras"] = new JsonArray(new JsonObject { ["path"] = "x", ["scale"] = 0.5 }),
            ["enable_safety_checker"] = true,
        };

        var job = await client.Provider.SubmitAsync(new ProviderJobRequest(appId, input, TimeSpan.FromSeconds(89.2)), client.Log, CancellationToken.None);

        var call = Assert.Single(Fal.Calls(appId));
        Assert.Equal(("submit", "POST", "/" + appId), (call.Kind, call.Method, call.PathAndQuery));
        Assert.True(JsonNode.DeepEquals(input, JsonNode.Parse(call.Body)), call.Body);
        Assert.Equal("Key " + Fal.ApiKey, call.Headers["Authorization"]);
        Assert.Equal("90", call.Headers["x-fal-request-timeout"]);
        Assert.StartsWith("application/json", call.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(ProviderType.FAL, job.Provider);
        Assert.Equal(appId, job.Endpoint);
        Assert.False(string.IsNullOrEmpty(job.JobId));
        Assert.Equal(new Uri(Fal.BaseUrl, $"{appId}/requests/{job.JobId}/status").AbsoluteUri, job.StatusUrl);
    }

    [Fact]
    public async Task SubmitAsync_NoStartTimeout_SendsNoTimeoutHeader()
    {
        var appId = FakeFalFixture.NewAppId();
        using var client = Client();

        await client.Provider.SubmitAsync(new ProviderJobRequest(appId, []), client.Log, CancellationToken.None);

        Assert.False(Assert.Single(Fal.Calls(appId)).Headers.ContainsKey("x-fal-request-timeout"));
    }

    [Fact]
    public async Task SubmitAsync_ConfiguredStartTimeout_IsSent()
    {
        var appId = FakeFalFixture.NewAppId();
        using var client = Client(extra: new() { ["Providers:Fal:StartTimeout"] = "00:02:00" });

        await client.Provider.SubmitAsync(new ProviderJobRequest(appId, []), client.Log, CancellationToken.None);

        Assert.Equal("120", Assert.Single(Fal.Calls(appId)).Headers["x-fal-request-timeout"]);
    }

    [Theory]
    [InlineData("image-to-image", "")]
    [InlineData("v1.1/ultra/raw", "")]
    [InlineData(null, "workflows/")]
    [InlineData("sub", "comfy/")]
    public async Task Calls_WithoutStoredUrls_UseOwnerAliasPaths(string? subPath, string ns)
    {
        var app = FakeFalFixture.NewAppId();
        var appId = ns + app + (subPath is null ? string.Empty : "/" + subPath);
        var prefix = ns + app;
        Fal.Script(appId).Then(FalJobPlan.Succeeds(queuePolls: 0, progressPolls: 0));
        using var client = Client();
        var submitted = await client.Provider.SubmitAsync(new ProviderJobRequest(appId, []), client.Log, CancellationToken.None);
        var job = new ProviderJob(ProviderType.FAL, appId, submitted.JobId);

        var status = await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None);
        var output = await client.Provider.GetResultAsync(job, client.Log, CancellationToken.None);
        var cancelled = await client.Provider.CancelAsync(job, client.Log, CancellationToken.None);

        Assert.Equal(ProviderJobState.Completed, status.State);
        Assert.Single(output.Files);
        Assert.False(cancelled);
        Assert.Equal(
            [
                ("submit", "POST", $"/{appId}"),
                ("status", "GET", $"/{prefix}/requests/{job.JobId}/status?logs=1"),
                ("result", "GET", $"/{prefix}/requests/{job.JobId}"),
                ("cancel", "PUT", $"/{prefix}/requests/{job.JobId}/cancel"),
            ],
            Fal.Calls(appId).Select(c => (c.Kind, c.Method, c.PathAndQuery)));
    }

    [Fact]
    public async Task GetStatusAsync_QueueThenProgressThenDone_MapsStates()
    {
        var appId = FakeFalFixture.NewAppId();
        Fal.Script(appId).Then(FalJobPlan.Succeeds(queuePolls: 2, progressPolls: 1));
        using var client = Client();
        var job = await client.Provider.SubmitAsync(new ProviderJobRequest(appId, []), client.Log, CancellationToken.None);

        var first = await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None);
        var second = await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None);
        var third = await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None);
        var fourth = await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None);

        Assert.Equal((ProviderJobState.Queued, 1), (first.State, first.QueuePosition));
        Assert.Equal((ProviderJobState.Queued, 0), (second.State, second.QueuePosition));
        Assert.Equal(ProviderJobState.Running, third.State);
        Assert.Equal(50, third.Percent);
        Assert.Contains("Generating 50%", third.Logs!);
        Assert.Equal(ProviderJobState.Completed, fourth.State);
        Assert.Null(fourth.Failure);
        Assert.All(Fal.Calls(appId).Where(c => c.Kind == "status"), c => Assert.EndsWith("/status?logs=1", c.PathAndQuery, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetResultAsync_CompletedImages_ReturnsRawAndServedFiles()
    {
        var appId = FakeFalFixture.NewAppId();
        Fal.Script(appId).Then(FalJobPlan.Succeeds(images: 2, width: 40, height: 30));
        using var client = Client();
        var job = await SubmitAndCompleteAsync(client, appId);

        var output = await client.Provider.GetResultAsync(job, client.Log, CancellationToken.None);

        Assert.Equal(job.JobId, output.ProviderRequestId);
        Assert.Equal(42, output.Raw!["seed"]!.GetValue<int>());
        Assert.Equal(["$.images[0].url", "$.images[1].url"], output.Files.Select(f => f.JsonPath));
        Assert.All(output.Files, f => Assert.Equal((ProviderFileKind.Image, "image/png"), (f.Kind, f.ContentType)));
        using var http = new HttpClient();
        var png = await http.GetByteArrayAsync(output.Files[0].Url);
        using var image = SixLabors.ImageSharp.Image.Load(png);
        Assert.Equal((40, 30), (image.Width, image.Height));
    }

    [Fact]
    public async Task GetResultAsync_Video_ReturnsVideoFile()
    {
        var appId = FakeFalFixture.NewAppId();
        Fal.Script(appId).Then(FalJobPlan.SucceedsWithVideo());
        using var client = Client();
        var job = await SubmitAndCompleteAsync(client, appId);

        var output = await client.Provider.GetResultAsync(job, client.Log, CancellationToken.None);

        var file = Assert.Single(output.Files);
        Assert.Equal((ProviderFileKind.Video, "video/mp4", "$.video.url"), (file.Kind, file.ContentType, file.JsonPath));
        using var http = new HttpClient();
        var bytes = await http.GetByteArrayAsync(file.Url);
        Assert.Equal("ftyp"u8.ToArray(), bytes[4..8]);
    }

    [Fact]
    public async Task GetResultAsync_ArbitraryJson_FindsPlaceholderFiles()
    {
        var appId = FakeFalFixture.NewAppId();
        Fal.Script(appId).Then(FalJobPlan.SucceedsWithJson("""{"text":"done","outputs":{"mask":{"url":"{file}","content_type":"image/png"}},"image":{"url":"{file}"}}"""));
        using var client = Client();
        var job = await SubmitAndCompleteAsync(client, appId);

        var output = await client.Provider.GetResultAsync(job, client.Log, CancellationToken.None);

        Assert.Equal(["$.outputs.mask.url", "$.image.url"], output.Files.Select(f => f.JsonPath));
        Assert.All(output.Files, f => Assert.Equal(Fal.HostPort, $"{f.Url!.Host}:{f.Url.Port}"));
        Assert.Equal("done", output.Raw!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetResultAsync_NotFinished_ThrowsRetryableProviderError()
    {
        var appId = FakeFalFixture.NewAppId();
        using var client = Client();
        var job = await client.Provider.SubmitAsync(new ProviderJobRequest(appId, []), client.Log, CancellationToken.None);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.GetResultAsync(job, client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.PROVIDER_ERROR, true), (error.Failure.Category, error.Failure.Retryable));
    }

    [Fact]
    public async Task HoldUntilReleased_BeforeRelease_StaysRunning()
    {
        var appId = FakeFalFixture.NewAppId();
        Fal.Script(appId).Then(FalJobPlan.Succeeds(queuePolls: 0, progressPolls: 1).HoldUntilReleased());
        using var client = Client();
        var job = await client.Provider.SubmitAsync(new ProviderJobRequest(appId, []), client.Log, CancellationToken.None);

        var states = new List<ProviderJobState>();
        for (var i = 0; i < 5; i++)
        {
            states.Add((await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None)).State);
        }

        Fal.Script(appId).Release();
        var after = await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None);

        Assert.All(states, s => Assert.Equal(ProviderJobState.Running, s));
        Assert.Equal(ProviderJobState.Completed, after.State);
    }

    [Fact]
    public async Task CancelAsync_RunningJob_ReturnsTrueAndJobFails()
    {
        var appId = FakeFalFixture.NewAppId();
        Fal.Script(appId).Then(FalJobPlan.Hangs());
        using var client = Client();
        var job = await client.Provider.SubmitAsync(new ProviderJobRequest(appId, []), client.Log, CancellationToken.None);
        Assert.Equal(ProviderJobState.Running, (await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None)).State);

        var accepted = await client.Provider.CancelAsync(job, client.Log, CancellationToken.None);
        var status = await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None);

        Assert.True(accepted);
        Assert.Equal(1, Fal.CancelCount(appId));
        Assert.Equal(ProviderJobState.Failed, status.State);
        Assert.Equal(ErrorCategory.CANCELLED, status.Failure!.Category);
    }

    [Fact]
    public async Task CancelAsync_CompletedJob_ReturnsFalse()
    {
        var appId = FakeFalFixture.NewAppId();
        using var client = Client();
        var job = await SubmitAndCompleteAsync(client, appId);

        var accepted = await client.Provider.CancelAsync(job, client.Log, CancellationToken.None);

        Assert.False(accepted);
        Assert.Equal(400, client.Log.Entries[^1].StatusCode);
        Assert.Null(client.Log.Entries[^1].Error);
    }

    [Fact]
    public async Task CancelAsync_UnknownJob_ReturnsFalse()
    {
        var appId = FakeFalFixture.NewAppId();
        using var client = Client();

        var accepted = await client.Provider.CancelAsync(new ProviderJob(ProviderType.FAL, appId, Guid.NewGuid().ToString()), client.Log, CancellationToken.None);

        Assert.False(accepted);
        Assert.Equal(404, Assert.Single(client.Log.Entries).StatusCode);
    }

    [Theory]
    [InlineData(422, """{"detail":[{"loc":["body","prompt"],"msg":"Field required","type":"missing"}]}""", null, null, ErrorCategory.VALIDATION, false)]
    [InlineData(429, """{"detail":"Rate limit exceeded"}""", "Retry-After", "7", ErrorCategory.RATE_LIMITED, true)]
    [InlineData(500, """{"detail":"Internal error"}""", null, null, ErrorCategory.PROVIDER_UNAVAILABLE, true)]
    [InlineData(503, """{"detail":"Service unavailable"}""", null, null, ErrorCategory.PROVIDER_UNAVAILABLE, true)]
    [InlineData(503, """{"detail":"Service unavailable"}""", "X-Fal-Retryable", "false", ErrorCategory.PROVIDER_UNAVAILABLE, false)]
    [InlineData(503, """{"detail":"No runner","error_type":"runner_scheduling_failure"}""", "X-Fal-Error-Type", "runner_scheduling_failure", ErrorCategory.PROVIDER_UNAVAILABLE, true)]
    [InlineData(504, """{"detail":"Request timed out","error_type":"request_timeout"}""", "x-fal-request-timeout-type", "user", ErrorCategory.TIMEOUT, false)]
    [InlineData(504, """{"detail":"Request timed out","error_type":"request_timeout"}""", null, null, ErrorCategory.TIMEOUT, true)]
    [InlineData(401, """{"detail":"Invalid key"}""", null, null, ErrorCategory.AUTHENTICATION, false)]
    [InlineData(403, "Forbidden", null, null, ErrorCategory.AUTHENTICATION, false)]
    public async Task SubmitAsync_FailureResponse_IsClassified(int status, string body, string? header, string? value, ErrorCategory category, bool retryable)
    {
        var appId = FakeFalFixture.NewAppId();
        Fal.Script(appId).Then(FalJobPlan.SubmitFails(status, body, header is null ? [] : [(header, value!)]));
        using var client = Client();

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.SubmitAsync(new ProviderJobRequest(appId, []), client.Log, CancellationToken.None));

        Assert.Equal((category, retryable), (error.Failure.Category, error.Failure.Retryable));
        Assert.StartsWith($"fal: HTTP {status}", error.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(status == 429 ? TimeSpan.FromSeconds(7) : null, error.Failure.RetryAfter);
        var entry = Assert.Single(client.Log.Entries);
        Assert.Equal(status, entry.StatusCode);
        Assert.Equal(error.Failure.Message, entry.Error);
    }

    [Fact]
    public async Task GetResultAsync_ContentPolicyViolation_ThrowsContentPolicyNotRetryable()
    {
        var appId = FakeFalFixture.NewAppId();
        Fal.Script(appId).Then(FalJobPlan.ResultFails(422, """{"detail":[{"loc":["body","prompt"],"msg":"Content flagged","type":"content_policy_violation"}]}""", ("X-Fal-Retryable", "false")));
        using var client = Client();
        var job = await SubmitAndCompleteAsync(client, appId);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.GetResultAsync(job, client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.CONTENT_POLICY, false), (error.Failure.Category, error.Failure.Retryable));
        Assert.Contains("Content flagged", error.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(job.JobId, client.Log.Entries[^1].ProviderRequestId);
    }

    [Fact]
    public async Task SubmitAsync_WrongKey_ThrowsAuthentication()
    {
        var appId = FakeFalFixture.NewAppId();
        using var client = Client(apiKey: "not-the-key");

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.SubmitAsync(new ProviderJobRequest(appId, []), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.AUTHENTICATION, false), (error.Failure.Category, error.Failure.Retryable));
        Assert.Equal(1, Fal.SubmitCount(appId));
        Assert.DoesNotContain("not-the-key", error.Failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task SubmitAsync_MissingKey_ThrowsAuthenticationWithoutCall(string key)
    {
        var appId = FakeFalFixture.NewAppId();
        using var client = Client(apiKey: key);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.SubmitAsync(new ProviderJobRequest(appId, []), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.AUTHENTICATION, false), (error.Failure.Category, error.Failure.Retryable));
        Assert.Empty(Fal.Calls(appId));
        Assert.Empty(client.Log.Entries);
    }

    [Theory]
    [InlineData("justone")]
    [InlineData("owner//app")]
    [InlineData("owner/../app")]
    [InlineData("workflows/owner")]
    [InlineData("owner/app?x=1")]
    [InlineData("https://evil.example/owner/app")]
    public async Task SubmitAsync_NotAnAppId_ThrowsValidationWithoutCall(string endpoint)
    {
        using var client = Client();

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.SubmitAsync(new ProviderJobRequest(endpoint, []), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.VALIDATION, false), (error.Failure.Category, error.Failure.Retryable));
        Assert.Empty(client.Log.Entries);
    }

    [Fact]
    public async Task SubmitAsync_HangingServer_ThrowsRetryableTimeoutWithinRequestTimeout()
    {
        var appId = FakeFalFixture.NewAppId();
        Fal.Script(appId).Then(FalJobPlan.SubmitHangs());
        using var client = Client(requestTimeout: TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.SubmitAsync(new ProviderJobRequest(appId, []), client.Log, CancellationToken.None));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString());
        Assert.Equal((ErrorCategory.TIMEOUT, true), (error.Failure.Category, error.Failure.Retryable));
        var entry = Assert.Single(client.Log.Entries);
        Assert.Null(entry.StatusCode);
        Assert.Equal(error.Failure.Message, entry.Error);
    }

    [Fact]
    public async Task SubmitAsync_CallerCancels_ThrowsOperationCanceled()
    {
        var appId = FakeFalFixture.NewAppId();
        Fal.Script(appId).Then(FalJobPlan.SubmitHangs());
        using var client = Client(requestTimeout: TimeSpan.FromSeconds(60));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Provider.SubmitAsync(new ProviderJobRequest(appId, []), client.Log, cancellation.Token));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString());
        Assert.Null(Assert.Single(client.Log.Entries).StatusCode);
    }

    [Fact]
    public async Task SubmitAsync_ConnectionRefused_ThrowsRetryableUnavailable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = Client(baseUrl: new Uri($"http://127.0.0.1:{port}/"));

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.SubmitAsync(new ProviderJobRequest(FakeFalFixture.NewAppId(), []), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.PROVIDER_UNAVAILABLE, true), (error.Failure.Category, error.Failure.Retryable));
        Assert.DoesNotContain("127.0.0.1", error.Failure.Message, StringComparison.Ordinal);
        var entry = Assert.Single(client.Log.Entries);
        Assert.Null(entry.StatusCode);
        Assert.Equal(error.Failure.Message, entry.Error);
    }

    [Fact]
    public async Task SubmitAsync_ReturnedUrlsOnOtherHost_AreNotFollowed()
    {
        var appId = FakeFalFixture.NewAppId();
        await using var other = await FakeFalServer.StartAsync();
        Fal.Script(appId).Then(FalJobPlan.Succeeds(queuePolls: 0, progressPolls: 0).ReturnsUrlsOn(other.BaseUrl));
        using var client = Client();

        var job = await client.Provider.SubmitAsync(new ProviderJobRequest(appId, []), client.Log, CancellationToken.None);
        var status = await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None);
        await client.Provider.GetResultAsync(job, client.Log, CancellationToken.None);
        await client.Provider.CancelAsync(job, client.Log, CancellationToken.None);

        Assert.StartsWith(Fal.BaseUrl.AbsoluteUri, job.StatusUrl, StringComparison.Ordinal);
        Assert.StartsWith(Fal.BaseUrl.AbsoluteUri, job.ResultUrl, StringComparison.Ordinal);
        Assert.StartsWith(Fal.BaseUrl.AbsoluteUri, job.CancelUrl, StringComparison.Ordinal);
        Assert.Equal(ProviderJobState.Completed, status.State);
        Assert.Empty(other.Calls(appId));
        Assert.Equal(["submit", "status", "result", "cancel"], Fal.Calls(appId).Select(c => c.Kind));
    }

    [Fact]
    public async Task GetStatusAsync_StoredUrlOnOtherHost_IsNotCalled()
    {
        var appId = FakeFalFixture.NewAppId();
        await using var other = await FakeFalServer.StartAsync();
        using var client = Client();
        var submitted = await client.Provider.SubmitAsync(new ProviderJobRequest(appId, []), client.Log, CancellationToken.None);
        var job = submitted with { StatusUrl = new Uri(other.BaseUrl, $"{appId}/requests/{submitted.JobId}/status").AbsoluteUri };

        await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None);

        Assert.Empty(other.Calls(appId));
        Assert.Equal(["submit", "status"], Fal.Calls(appId).Select(c => c.Kind));
    }

    [Fact]
    public async Task ServiceLog_EveryCall_OneEntryWithoutKeyOrQuery()
    {
        var appId = FakeFalFixture.NewAppId();
        Fal.Script(appId).Then(FalJobPlan.Succeeds(queuePolls: 1, progressPolls: 1));
        using var client = Client();

        var job = await SubmitAndCompleteAsync(client, appId);
        await client.Provider.GetResultAsync(job, client.Log, CancellationToken.None);
        await client.Provider.CancelAsync(job, client.Log, CancellationToken.None);

        var calls = Fal.Calls(appId);
        Assert.Equal(calls.Count, client.Log.Entries.Count);
        Assert.Equal(calls.Select(c => c.Method), client.Log.Entries.Select(e => e.Method));
        Assert.All(client.Log.Entries, e =>
        {
            Assert.Equal("FAL", e.Provider);
            Assert.Equal(job.JobId, e.ProviderRequestId);
            Assert.DoesNotContain('?', e.Url);
            Assert.StartsWith(Fal.BaseUrl.AbsoluteUri, e.Url, StringComparison.Ordinal);
        });
        var serialized = JsonSerializer.Serialize(client.Log.Entries.Select(e => e.ToJson()).ToList());
        Assert.DoesNotContain(Fal.ApiKey, serialized, StringComparison.Ordinal);
        Assert.All(calls.Where(c => c.Kind != "submit"), c => Assert.Equal(string.Empty, c.Body));
    }

    [Theory]
    [InlineData(new[] { "Generating 10%", "Generating 45%" }, 45.0)]
    [InlineData(new[] { "step 9/20", "loading weights" }, 45.0)]
    [InlineData(new[] { " 60%|██████    | 12/20 [00:03<00:02]" }, 60.0)]
    [InlineData(new[] { "overflow 250%" }, 100.0)]
    [InlineData(new[] { "no numbers here" }, null)]
    [InlineData(new[] { "21/20 odd" }, null)]
    public void PercentOf_LogLines_UsesLatestStatedProgress(string[] logs, double? expected)
    {
        Assert.Equal(expected, FalQueueClient.PercentOf(logs));
    }

    private static async Task<ProviderJob> SubmitAndCompleteAsync(TestClient client, string appId)
    {
        var job = await client.Provider.SubmitAsync(new ProviderJobRequest(appId, new JsonObject { ["prompt"] = "x" }), client.Log, CancellationToken.None);
        for (var i = 0; i < 50; i++)
        {
            var status = await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None);
            if (status.State is ProviderJobState.Completed)
            {
                return job;
            }
        }

        throw new InvalidOperationException("The fake job did not complete.");
    }

    private TestClient Client(string? apiKey = null, TimeSpan? requestTimeout = null, Uri? baseUrl = null, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Providers:Fal:BaseUrl"] = (baseUrl ?? Fal.BaseUrl).AbsoluteUri,
            ["Providers:Fal:ApiKey"] = apiKey ?? Fal.ApiKey,
            ["Providers:Fal:RequestTimeout"] = (requestTimeout ?? TimeSpan.FromSeconds(10)).ToString("c"),
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddTaskFunctionsFal();
        return new TestClient(services.BuildServiceProvider());
    }

    private sealed class TestClient(ServiceProvider services) : IDisposable
    {
        public ServiceProvider Services { get; } = services;

        public IJobProvider Provider => Services.GetRequiredKeyedService<IJobProvider>(ProviderType.FAL);

        public ServiceRequestLog Log { get; } = new(ProviderType.FAL, 1, TimeProvider.System);

        public void Dispose() => Services.Dispose();
    }
}
