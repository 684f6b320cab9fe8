using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Providers.Replicate;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;
using TaskFunctions.Tests.Infrastructure.FakeReplicate;

namespace TaskFunctions.Tests.Providers.Replicate;

/// <summary>The real <see cref="ReplicateClient"/>, built through DI, against <see cref="FakeReplicateServer"/> over HTTP.</summary>
public sealed class ReplicateClientTests(FakeReplicateFixture fixture) : IClassFixture<FakeReplicateFixture>
{
    private FakeReplicateServer Fake => fixture.Server;

    [Fact]
    public async Task SubmitAsync_ModelEndpoint_PostsInputToModelPathWithBearerToken()
    {
        var model = FakeReplicateFixture.NewModel();
        using var client = Client();
        var input = new JsonObject { ["prompt"] = "a red fox, \"quoted\" ünïcode", ["num_outputs"] = 1, ["aspect_ratio"] = "4:3" };

        var job = await client.Provider.SubmitAsync(new ProviderJobRequest(model, input), client.Log, CancellationToken.None);

        var call = Assert.Single(Fake.Calls(model));
        Assert.Equal(("create", "POST", $"/v1/models/{model}/predictions"), (call.Kind, call.Method, call.PathAndQuery));
        var body = JsonNode.Parse(call.Body)!.AsObject();
        Assert.Equal(["input"], body.Select(p => p.Key));
        Assert.True(JsonNode.DeepEquals(input, body["input"]), call.Body);
        Assert.Equal("Bearer " + Fake.ApiToken, call.Headers["Authorization"]);
        Assert.StartsWith("application/json", call.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal((ProviderType.REPLICATE, model), (job.Provider, job.Endpoint));
        Assert.Matches("^[a-z2-7]{26}$", job.JobId);
        Assert.Equal(new Uri(Fake.BaseUrl, $"v1/predictions/{job.JobId}").AbsoluteUri, job.StatusUrl);
        Assert.Equal(new Uri(Fake.BaseUrl, $"v1/predictions/{job.JobId}/cancel").AbsoluteUri, job.CancelUrl);
    }

    [Fact]
    public async Task SubmitAsync_VersionEndpoint_PostsVersionAndInputToPredictions()
    {
        var model = FakeReplicateFixture.NewModel();
        var version = FakeReplicateFixture.NewVersion();
        using var client = Client();

        var job = await client.Provider.SubmitAsync(new ProviderJobRequest($"{model}:{version}", new JsonObject { ["image"] = "x" }), client.Log, CancellationToken.None);
        var status = await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None);

        Assert.Empty(Fake.Calls(model));
        var calls = Fake.Calls(version);
        Assert.Equal([("create", "/v1/predictions"), ("get", $"/v1/predictions/{job.JobId}")], calls.Select(c => (c.Kind, c.PathAndQuery)));
        var body = JsonNode.Parse(calls[0].Body)!.AsObject();
        Assert.Equal(version, body["version"]!.GetValue<string>());
        Assert.Equal("x", body["input"]!["image"]!.GetValue<string>());
        Assert.Equal($"{model}:{version}", job.Endpoint);
        Assert.Equal(ProviderJobState.Queued, status.State);
    }

    [Fact]
    public async Task GetStatusAsync_StartingThenProcessingThenSucceeded_MapsStates()
    {
        var model = FakeReplicateFixture.NewModel();
        Fake.Script(model).Then(ReplicatePlan.Succeeds(startingPolls: 2, processingPolls: 1));
        using var client = Client();
        var job = await client.Provider.SubmitAsync(new ProviderJobRequest(model, []), client.Log, CancellationToken.None);

        var states = new List<ProviderJobStatus>();
        for (var i = 0; i < 4; i++)
        {
            states.Add(await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None));
        }

        Assert.Equal([ProviderJobState.Queued, ProviderJobState.Queued, ProviderJobState.Running, ProviderJobState.Completed], states.Select(s => s.State));
        Assert.Equal(50, states[2].Percent);
        Assert.Contains("Generating 50%", states[2].Logs!);
        Assert.Equal(100, states[3].Percent);
        Assert.All(states, s => Assert.Null(s.Failure));
        Assert.Equal(4, Fake.GetCount(model));
    }

    [Fact]
    public async Task GetResultAsync_ImageList_ReturnsServedPngsWithoutInput()
    {
        var model = FakeReplicateFixture.NewModel();
        Fake.Script(model).Then(ReplicatePlan.Succeeds(images: 2, width: 40, height: 30));
        using var client = Client();
        var job = await SubmitAndCompleteAsync(client, model, new JsonObject { ["image"] = TestImages.PngDataUrl(4, 4) });

        var output = await client.Provider.GetResultAsync(job, client.Log, CancellationToken.None);

        Assert.Equal(job.JobId, output.ProviderRequestId);
        Assert.Equal(["$.output[0]", "$.output[1]"], output.Files.Select(f => f.JsonPath));
        Assert.All(output.Files, f => Assert.Equal((ProviderFileKind.Image, "image/png"), (f.Kind, f.ContentType)));
        Assert.Null(output.Raw!["input"]);
        Assert.Equal("succeeded", output.Raw["status"]!.GetValue<string>());
        Assert.DoesNotContain("base64", output.Raw.ToJsonString(), StringComparison.Ordinal);
        using var http = new HttpClient();
        using var image = SixLabors.ImageSharp.Image.Load(await http.GetByteArrayAsync(output.Files[0].Url));
        Assert.Equal((40, 30), (image.Width, image.Height));
    }

    [Fact]
    public async Task GetResultAsync_SingleUrl_ReturnsOneImage()
    {
        var model = FakeReplicateFixture.NewModel();
        Fake.Script(model).Then(ReplicatePlan.Succeeds(asList: false));
        using var client = Client();
        var job = await SubmitAndCompleteAsync(client, model);

        var output = await client.Provider.GetResultAsync(job, client.Log, CancellationToken.None);

        var file = Assert.Single(output.Files);
        Assert.Equal(("$.output", ProviderFileKind.Image), (file.JsonPath, file.Kind));
    }

    [Fact]
    public async Task GetResultAsync_Video_ReturnsVideoFileStartingWithFtyp()
    {
        var model = FakeReplicateFixture.NewModel();
        Fake.Script(model).Then(ReplicatePlan.SucceedsWithVideo());
        using var client = Client();
        var job = await SubmitAndCompleteAsync(client, model);

        var output = await client.Provider.GetResultAsync(job, client.Log, CancellationToken.None);

        var file = Assert.Single(output.Files);
        Assert.Equal((ProviderFileKind.Video, "video/mp4"), (file.Kind, file.ContentType));
        using var http = new HttpClient();
        var bytes = await http.GetByteArrayAsync(file.Url);
        Assert.Equal("ftyp"u8.ToArray(), bytes[4..8]);
    }

    [Fact]
    public async Task GetResultAsync_TextChunks_JoinsTextAndReadsTokenCounts()
    {
        var model = FakeReplicateFixture.NewModel();
        Fake.Script(model).Then(ReplicatePlan.SucceedsWithText(["Hel", "lo", ", wor", "ld!\n", "Bye."], inputTokens: 12, outputTokens: 5));
        using var client = Client();
        var job = await SubmitAndCompleteAsync(client, model);

        var output = await client.Provider.GetResultAsync(job, client.Log, CancellationToken.None);

        Assert.Equal("Hello, world!\nBye.", output.Text);
        Assert.Equal(new TokenUsage(12, 5), output.Usage);
        Assert.Empty(output.Files);
    }

    [Fact]
    public async Task GetResultAsync_TextWithoutTokenCounts_UsageIsNull()
    {
        var model = FakeReplicateFixture.NewModel();
        Fake.Script(model).Then(ReplicatePlan.SucceedsWithText(["ok"]));
        using var client = Client();
        var job = await SubmitAndCompleteAsync(client, model);

        var output = await client.Provider.GetResultAsync(job, client.Log, CancellationToken.None);

        Assert.Equal("ok", output.Text);
        Assert.Null(output.Usage);
    }

    [Fact]
    public async Task GetResultAsync_NotFinished_ThrowsRetryableProviderError()
    {
        var model = FakeReplicateFixture.NewModel();
        using var client = Client();
        var job = await client.Provider.SubmitAsync(new ProviderJobRequest(model, []), client.Log, CancellationToken.None);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.GetResultAsync(job, client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.PROVIDER_ERROR, true), (error.Failure.Category, error.Failure.Retryable));
    }

    [Theory]
    [InlineData(ReplicatePlan.NsfwError, ErrorCategory.CONTENT_POLICY, false)]
    [InlineData("Prediction failed: safety checker triggered", ErrorCategory.CONTENT_POLICY, false)]
    [InlineData("CUDA out of memory", ErrorCategory.PROVIDER_ERROR, true)]
    public async Task GetStatusAsync_Failed_IsClassifiedAndResultThrowsSame(string message, ErrorCategory category, bool retryable)
    {
        var model = FakeReplicateFixture.NewModel();
        Fake.Script(model).Then(ReplicatePlan.Fails(message));
        using var client = Client();
        var job = await client.Provider.SubmitAsync(new ProviderJobRequest(model, []), client.Log, CancellationToken.None);

        var status = await PollUntilDoneAsync(client, job);
        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.GetResultAsync(job, client.Log, CancellationToken.None));

        Assert.Equal(ProviderJobState.Failed, status.State);
        Assert.Equal((category, retryable), (status.Failure!.Category, status.Failure.Retryable));
        Assert.Contains(message.TrimEnd('.'), status.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(status.Failure, error.Failure);
    }

    [Fact]
    public async Task GetStatusAsync_Aborted_ThrowsNothingAndFailsRetryableTimeout()
    {
        var model = FakeReplicateFixture.NewModel();
        Fake.Script(model).Then(ReplicatePlan.Aborts());
        using var client = Client();
        var job = await client.Provider.SubmitAsync(new ProviderJobRequest(model, []), client.Log, CancellationToken.None);

        var status = await PollUntilDoneAsync(client, job);

        Assert.Equal((ProviderJobState.Failed, ErrorCategory.TIMEOUT, true), (status.State, status.Failure!.Category, status.Failure.Retryable));
    }

    [Fact]
    public async Task HoldUntilReleased_BeforeRelease_StaysRunning()
    {
        var model = FakeReplicateFixture.NewModel();
        Fake.Script(model).Then(ReplicatePlan.Succeeds(startingPolls: 0, processingPolls: 1).HoldUntilReleased());
        using var client = Client();
        var job = await client.Provider.SubmitAsync(new ProviderJobRequest(model, []), client.Log, CancellationToken.None);

        var states = new List<ProviderJobState>();
        for (var i = 0; i < 5; i++)
        {
            states.Add((await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None)).State);
        }

        Fake.Script(model).Release();
        var after = await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None);

        Assert.All(states, s => Assert.Equal(ProviderJobState.Running, s));
        Assert.Equal(ProviderJobState.Completed, after.State);
    }

    [Fact]
    public async Task CancelAsync_RunningPrediction_ReturnsTrueAndPredictionIsCanceled()
    {
        var model = FakeReplicateFixture.NewModel();
        Fake.Script(model).Then(ReplicatePlan.Hangs());
        using var client = Client();
        var job = await client.Provider.SubmitAsync(new ProviderJobRequest(model, []), client.Log, CancellationToken.None);
        Assert.Equal(ProviderJobState.Running, (await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None)).State);

        var accepted = await client.Provider.CancelAsync(job, client.Log, CancellationToken.None);
        var status = await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None);

        Assert.True(accepted);
        Assert.Equal(1, Fake.CancelCount(model));
        Assert.Equal(("POST", $"/v1/predictions/{job.JobId}/cancel"), Fake.Calls(model).Where(c => c.Kind == "cancel").Select(c => (c.Method, c.PathAndQuery)).Single());
        Assert.Equal("canceled", Fake.StatusOf(job.JobId));
        Assert.Equal((ProviderJobState.Failed, ErrorCategory.CANCELLED, false), (status.State, status.Failure!.Category, status.Failure.Retryable));
    }

    [Fact]
    public async Task CancelAsync_SucceededPrediction_ReturnsFalse()
    {
        var model = FakeReplicateFixture.NewModel();
        using var client = Client();
        var job = await SubmitAndCompleteAsync(client, model);

        var accepted = await client.Provider.CancelAsync(job, client.Log, CancellationToken.None);

        Assert.False(accepted);
        Assert.Equal("succeeded", Fake.StatusOf(job.JobId));
        Assert.Null(client.Log.Entries[^1].Error);
    }

    [Fact]
    public async Task CancelAsync_UnknownPrediction_ReturnsFalse()
    {
        using var client = Client();

        var accepted = await client.Provider.CancelAsync(new ProviderJob(ProviderType.REPLICATE, FakeReplicateFixture.NewModel(), "abcdefghijklmnopqrstuvwxyz"), client.Log, CancellationToken.None);

        Assert.False(accepted);
        Assert.Equal(404, Assert.Single(client.Log.Entries).StatusCode);
    }

    [Theory]
    [InlineData(401, "Unauthenticated", "You did not pass a valid authentication token", null, ErrorCategory.AUTHENTICATION, false)]
    [InlineData(403, "Forbidden", "You do not have permission to run this model", null, ErrorCategory.AUTHENTICATION, false)]
    [InlineData(422, "Input validation failed", "- input.prompt: Invalid type. Expected: string, given: integer", null, ErrorCategory.VALIDATION, false)]
    [InlineData(422, "Input validation failed", "NSFW content detected in the input image", null, ErrorCategory.CONTENT_POLICY, false)]
    [InlineData(404, "Not found", "The requested resource could not be found.", null, ErrorCategory.PROVIDER_ERROR, false)]
    [InlineData(429, "Request was throttled", "Request was throttled. Expected available in 7 seconds.", "7", ErrorCategory.RATE_LIMITED, true)]
    [InlineData(500, "Internal Server Error", "Something went wrong", null, ErrorCategory.PROVIDER_UNAVAILABLE, true)]
    [InlineData(502, "Bad Gateway", "Upstream error", null, ErrorCategory.PROVIDER_UNAVAILABLE, true)]
    [InlineData(503, "Service Unavailable", "Try again later", "3", ErrorCategory.PROVIDER_UNAVAILABLE, true)]
    public async Task SubmitAsync_ProblemResponse_IsClassified(int status, string title, string detail, string? retryAfter, ErrorCategory category, bool retryable)
    {
        var model = FakeReplicateFixture.NewModel();
        Fake.Script(model).Then(ReplicatePlan.CreateFails(status, ReplicatePlan.Problem(status, title, detail), retryAfter is null ? [] : [("Retry-After", retryAfter)]));
        using var client = Client();

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.SubmitAsync(new ProviderJobRequest(model, []), client.Log, CancellationToken.None));

        Assert.Equal((category, retryable), (error.Failure.Category, error.Failure.Retryable));
        Assert.StartsWith($"replicate: HTTP {status}: ", error.Failure.Message, StringComparison.Ordinal);
        Assert.Contains(detail.TrimEnd('.'), error.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(retryAfter is null ? null : TimeSpan.FromSeconds(int.Parse(retryAfter, CultureInfo.InvariantCulture)), error.Failure.RetryAfter);
        var entry = Assert.Single(client.Log.Entries);
        Assert.Equal((status, error.Failure.Message), (entry.StatusCode, entry.Error));
    }

    [Fact]
    public async Task SubmitAsync_ThrottledPlan_IsRateLimitedWithRetryAfter()
    {
        var model = FakeReplicateFixture.NewModel();
        Fake.Script(model).Then(ReplicatePlan.Throttled(11));
        using var client = Client();

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.SubmitAsync(new ProviderJobRequest(model, []), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.RATE_LIMITED, true, TimeSpan.FromSeconds(11)), (error.Failure.Category, error.Failure.Retryable, error.Failure.RetryAfter));
        Assert.True(error.Failure.MayRetry);
    }

    [Fact]
    public async Task SubmitAsync_ThrottledWithoutHeader_TakesWaitFromDetail()
    {
        var model = FakeReplicateFixture.NewModel();
        Fake.Script(model).Then(ReplicatePlan.CreateFails(429, """{"detail":"Request was throttled. Expected available in 12 seconds.","status":429}"""));
        using var client = Client();

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.SubmitAsync(new ProviderJobRequest(model, []), client.Log, CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(12), error.Failure.RetryAfter);
    }

    [Fact]
    public async Task SubmitAsync_RetryAfterHttpDate_IsRelativeToNow()
    {
        var model = FakeReplicateFixture.NewModel();
        var date = DateTimeOffset.UtcNow.AddSeconds(30).ToString("R", CultureInfo.InvariantCulture);
        Fake.Script(model).Then(ReplicatePlan.CreateFails(429, ReplicatePlan.Problem(429, "Request was throttled", "Slow down"), ("Retry-After", date)));
        using var client = Client();

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.SubmitAsync(new ProviderJobRequest(model, []), client.Log, CancellationToken.None));

        Assert.InRange(error.Failure.RetryAfter!.Value, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(31));
    }

    [Fact]
    public async Task SubmitAsync_NotRetryable_DropsRetryAfter()
    {
        var model = FakeReplicateFixture.NewModel();
        Fake.Script(model).Then(ReplicatePlan.CreateFails(422, ReplicatePlan.Problem(422, "Input validation failed", "bad"), ("Retry-After", "5")));
        using var client = Client();

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.SubmitAsync(new ProviderJobRequest(model, []), client.Log, CancellationToken.None));

        Assert.Null(error.Failure.RetryAfter);
    }

    [Fact]
    public async Task GetStatusAsync_ServerError_ThrowsRetryableUnavailable()
    {
        var model = FakeReplicateFixture.NewModel();
        Fake.Script(model).Then(ReplicatePlan.GetFails(503, "<html>upstream unavailable</html>"));
        using var client = Client();
        var job = await client.Provider.SubmitAsync(new ProviderJobRequest(model, []), client.Log, CancellationToken.None);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.PROVIDER_UNAVAILABLE, true), (error.Failure.Category, error.Failure.Retryable));
        Assert.Equal(job.JobId, client.Log.Entries[^1].ProviderRequestId);
    }

    [Fact]
    public async Task SubmitAsync_WrongToken_ThrowsAuthenticationWithoutTheToken()
    {
        var model = FakeReplicateFixture.NewModel();
        using var client = Client(token: "r8_not-the-token");

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.SubmitAsync(new ProviderJobRequest(model, []), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.AUTHENTICATION, false), (error.Failure.Category, error.Failure.Retryable));
        Assert.Equal(1, Fake.CreateCount(model));
        Assert.DoesNotContain("r8_not-the-token", error.Failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task SubmitAsync_MissingToken_ThrowsAuthenticationWithoutCall(string token)
    {
        var model = FakeReplicateFixture.NewModel();
        using var client = Client(token: token);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.SubmitAsync(new ProviderJobRequest(model, []), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.AUTHENTICATION, false), (error.Failure.Category, error.Failure.Retryable));
        Assert.Empty(Fake.Calls(model));
        Assert.Empty(client.Log.Entries);
    }

    [Theory]
    [InlineData("justone")]
    [InlineData("owner/name/extra")]
    [InlineData("owner//name")]
    [InlineData("owner/../name")]
    [InlineData("owner/name:")]
    [InlineData("owner/name:ver/sion")]
    [InlineData("owner/name?x=1")]
    [InlineData("https://evil.example/owner/name")]
    public async Task SubmitAsync_NotAModel_ThrowsValidationWithoutCall(string endpoint)
    {
        using var client = Client();

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.SubmitAsync(new ProviderJobRequest(endpoint, []), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.VALIDATION, false), (error.Failure.Category, error.Failure.Retryable));
        Assert.Empty(client.Log.Entries);
    }

    [Fact]
    public async Task SubmitAsync_HangingServer_ThrowsRetryableTimeoutWithinRequestTimeout()
    {
        var model = FakeReplicateFixture.NewModel();
        Fake.Script(model).Then(ReplicatePlan.CreateHangs());
        using var client = Client(requestTimeout: TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.SubmitAsync(new ProviderJobRequest(model, []), client.Log, CancellationToken.None));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString());
        Assert.Equal((ErrorCategory.TIMEOUT, true), (error.Failure.Category, error.Failure.Retryable));
        var entry = Assert.Single(client.Log.Entries);
        Assert.Null(entry.StatusCode);
        Assert.Equal(error.Failure.Message, entry.Error);
    }

    [Fact]
    public async Task SubmitAsync_CallerCancels_ThrowsOperationCanceled()
    {
        var model = FakeReplicateFixture.NewModel();
        Fake.Script(model).Then(ReplicatePlan.CreateHangs());
        using var client = Client(requestTimeout: TimeSpan.FromSeconds(60));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Provider.SubmitAsync(new ProviderJobRequest(model, []), client.Log, cancellation.Token));

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

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.SubmitAsync(new ProviderJobRequest(FakeReplicateFixture.NewModel(), []), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.PROVIDER_UNAVAILABLE, true), (error.Failure.Category, error.Failure.Retryable));
        Assert.DoesNotContain("127.0.0.1", error.Failure.Message, StringComparison.Ordinal);
        Assert.Null(Assert.Single(client.Log.Entries).StatusCode);
    }

    [Fact]
    public async Task ServiceLog_EveryCall_OneEntryWithoutTokenQueryOrInputAndWithPredictTime()
    {
        var model = FakeReplicateFixture.NewModel();
        Fake.Script(model).Then(ReplicatePlan.Succeeds(startingPolls: 1, processingPolls: 1));
        using var client = Client();
        var imageUri = TestImages.PngDataUrl(8, 8);

        var job = await SubmitAndCompleteAsync(client, model, new JsonObject { ["image"] = imageUri });
        await client.Provider.GetResultAsync(job, client.Log, CancellationToken.None);
        await client.Provider.CancelAsync(job, client.Log, CancellationToken.None);

        var calls = Fake.Calls(model);
        Assert.Equal(calls.Count, client.Log.Entries.Count);
        Assert.Equal(calls.Select(c => c.Method), client.Log.Entries.Select(e => e.Method));
        Assert.All(client.Log.Entries, e =>
        {
            Assert.Equal("REPLICATE", e.Provider);
            Assert.Equal(job.JobId, e.ProviderRequestId);
            Assert.DoesNotContain('?', e.Url);
            Assert.StartsWith(Fake.BaseUrl.AbsoluteUri, e.Url, StringComparison.Ordinal);
        });
        Assert.Null(client.Log.Entries[0].ProviderTimeMs);
        Assert.Equal(1250, client.Log.Entries[^2].ProviderTimeMs);
        var serialized = JsonSerializer.Serialize(client.Log.Entries.Select(e => e.ToJson()).ToList());
        Assert.DoesNotContain(Fake.ApiToken, serialized, StringComparison.Ordinal);
        Assert.DoesNotContain(imageUri[..40], serialized, StringComparison.Ordinal);
        Assert.Contains("\"provider_time_ms\":1250", serialized, StringComparison.Ordinal);
        Assert.All(calls.Where(c => c.Kind == "get"), c => Assert.Equal(string.Empty, c.Body));
    }

    [Fact]
    public async Task FindSubmittedAsync_PredictionOfSameModelAndInput_ReturnsItWithoutCreating()
    {
        var model = FakeReplicateFixture.NewModel();
        using var client = Client();
        var since = DateTimeOffset.UtcNow;
        var input = new JsonObject { ["prompt"] = "a lookup " + Guid.NewGuid().ToString("N"), ["image"] = "data:image/png;base64,AAAA" };
        var created = await client.Provider.SubmitAsync(new ProviderJobRequest(model, input), client.Log, CancellationToken.None);

        var found = await ((IJobLookup)client.Provider).FindSubmittedAsync(new ProviderJobRequest(model, (JsonObject)input.DeepClone()), since, client.Log, CancellationToken.None);

        Assert.Equal(created, found);
        Assert.Single(Fake.Calls(model), c => c.Kind == "create");
        Assert.Contains(Fake.Calls("list"), c => c.Headers["Authorization"] == "Bearer " + Fake.ApiToken);
    }

    [Fact]
    public async Task FindSubmittedAsync_OtherInputOrModelOrOlder_ReturnsNull()
    {
        var model = FakeReplicateFixture.NewModel();
        using var client = Client();
        var input = new JsonObject { ["prompt"] = "a lookup " + Guid.NewGuid().ToString("N") };
        await client.Provider.SubmitAsync(new ProviderJobRequest(model, input), client.Log, CancellationToken.None);
        var lookup = (IJobLookup)client.Provider;

        var otherInput = await lookup.FindSubmittedAsync(new ProviderJobRequest(model, new JsonObject { ["prompt"] = "something else" }), DateTimeOffset.UtcNow.AddMinutes(-1), client.Log, CancellationToken.None);
        var otherModel = await lookup.FindSubmittedAsync(new ProviderJobRequest(FakeReplicateFixture.NewModel(), (JsonObject)input.DeepClone()), DateTimeOffset.UtcNow.AddMinutes(-1), client.Log, CancellationToken.None);
        var later = await lookup.FindSubmittedAsync(new ProviderJobRequest(model, (JsonObject)input.DeepClone()), DateTimeOffset.UtcNow + ReplicateClient.LookupSkew + TimeSpan.FromMinutes(1), client.Log, CancellationToken.None);

        Assert.Null(otherInput);
        Assert.Null(otherModel);
        Assert.Null(later);
    }

    [Fact]
    public async Task FindSubmittedAsync_TwoIdenticalPredictions_ReturnsNullAsAmbiguous()
    {
        var model = FakeReplicateFixture.NewModel();
        using var client = Client();
        var input = new JsonObject { ["prompt"] = "twice " + Guid.NewGuid().ToString("N") };
        await client.Provider.SubmitAsync(new ProviderJobRequest(model, input), client.Log, CancellationToken.None);
        await client.Provider.SubmitAsync(new ProviderJobRequest(model, input), client.Log, CancellationToken.None);

        var found = await ((IJobLookup)client.Provider).FindSubmittedAsync(new ProviderJobRequest(model, input), DateTimeOffset.UtcNow.AddMinutes(-1), client.Log, CancellationToken.None);

        Assert.Null(found);
    }

    [Fact]
    public async Task FindSubmittedAsync_MatchBeyondFirstPage_FollowsNextLinks()
    {
        var model = FakeReplicateFixture.NewModel();
        using var client = Client();
        var since = DateTimeOffset.UtcNow;
        var input = new JsonObject { ["prompt"] = "paged " + Guid.NewGuid().ToString("N") };
        var created = await client.Provider.SubmitAsync(new ProviderJobRequest(model, input), client.Log, CancellationToken.None);
        var noise = FakeReplicateFixture.NewModel();
        for (var i = 0; i < FakeReplicateServer.ListPageSize + 5; i++)
        {
            await client.Provider.SubmitAsync(new ProviderJobRequest(noise, new JsonObject { ["n"] = i }), client.Log, CancellationToken.None);
        }

        var found = await ((IJobLookup)client.Provider).FindSubmittedAsync(new ProviderJobRequest(model, input), since, client.Log, CancellationToken.None);

        Assert.Equal(created.JobId, found?.JobId);
    }

    [Theory]
    [InlineData("""{"a":1,"b":"x"}""", """{"a":1,"b":"x","c":true}""", true)]
    [InlineData("""{"a":1}""", """{"a":2}""", false)]
    [InlineData("""{"img":"data:image/png;base64,AAAA"}""", """{"img":"https://replicate.delivery/x.png"}""", true)]
    [InlineData("""{"img":"data:image/png;base64,AAAA"}""", """{}""", false)]
    [InlineData("""{"a":null}""", """{}""", true)]
    [InlineData("""{"a":[1,2]}""", """{"a":[2,1]}""", false)]
    public void InputMatches_Table_ComparesOurMembers(string ours, string theirs, bool expected) =>
        Assert.Equal(expected, ReplicateClient.InputMatches(JsonNode.Parse(ours)!.AsObject(), JsonNode.Parse(theirs)!.AsObject()));

    private static async Task<ProviderJobStatus> PollUntilDoneAsync(TestClient client, ProviderJob job)
    {
        for (var i = 0; i < 50; i++)
        {
            var status = await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None);
            if (status.State is ProviderJobState.Completed or ProviderJobState.Failed)
            {
                return status;
            }
        }

        throw new InvalidOperationException("The fake prediction did not finish.");
    }

    private static async Task<ProviderJob> SubmitAndCompleteAsync(TestClient client, string model, JsonObject? input = null)
    {
        var job = await client.Provider.SubmitAsync(new ProviderJobRequest(model, input ?? new JsonObject { ["prompt"] = "x" }), client.Log, CancellationToken.None);
        var status = await PollUntilDoneAsync(client, job);
        Assert.Equal(ProviderJobState.Completed, status.State);
        return job;
    }

    private TestClient Client(string? token = null, TimeSpan? requestTimeout = null, Uri? baseUrl = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Providers:Replicate:BaseUrl"] = (baseUrl ?? Fake.BaseUrl).AbsoluteUri,
            ["Providers:Replicate:ApiToken"] = token ?? Fake.ApiToken,
            ["Providers:Replicate:RequestTimeout"] = (requestTimeout ?? TimeSpan.FromSeconds(10)).ToString("c"),
        };
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddTaskFunctionsReplicate();
        return new TestClient(services.BuildServiceProvider());
    }

    private sealed class TestClient(ServiceProvider services) : IDisposable
    {
        public IJobProvider Provider => services.GetRequiredKeyedService<IJobProvider>(ProviderType.REPLICATE);

        public ServiceRequestLog Log { get; } = new(ProviderType.REPLICATE, 1, TimeProvider.System);

        public void Dispose() => services.Dispose();
    }
}
