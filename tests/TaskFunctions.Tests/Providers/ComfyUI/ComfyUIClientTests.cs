using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Providers.ComfyUI;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;
using TaskFunctions.Tests.Infrastructure.FakeComfyUI;

namespace TaskFunctions.Tests.Providers.ComfyUI;

/// <summary>The real <see cref="ComfyUIClient"/>, built through DI, against <see cref="FakeComfyUIServer"/> over HTTP.</summary>
public sealed class ComfyUIClientTests(FakeComfyUIFixture fixture) : IClassFixture<FakeComfyUIFixture>
{
    private FakeComfyUIServer Comfy => fixture.Server;

    [Fact]
    public async Task SubmitAsync_WithUpload_UploadsImageThenPostsGraphWithItsName()
    {
        var (marker, _) = FakeComfyUIServer.NewMarker();
        var graph = FakeComfyUIServer.Mark(ComfyUITestGraphs.ImageToImage(), marker);
        var png = TestImages.SplitPng(8, 6);
        var input = new JsonObject
        {
            ["prompt"] = graph,
            ["uploads"] = new JsonArray(new ComfyUIUpload("1", "image", $"tf-{marker}-result-image.png", InputImages.DataUri(png)).ToJson()),
        };
        using var client = Client();

        var job = await client.Provider.SubmitAsync(new ProviderJobRequest("image", input), client.Log, CancellationToken.None);

        Assert.Equal(ProviderType.COMFYUI, job.Provider);
        Assert.Equal("image", job.Endpoint);
        Assert.NotNull(Comfy.PromptState(job.JobId));
        var upload = Assert.Single(Comfy.Calls, c => c.Kind == "upload" && c.Body.Contains(marker, StringComparison.Ordinal));
        Assert.Contains("type=input", upload.Body, StringComparison.Ordinal);
        Assert.Contains("overwrite=true", upload.Body, StringComparison.Ordinal);
        Assert.Equal(png, Comfy.UploadedFile($"tf-{marker}-result-image.png"));
        var sent = Assert.Single(Comfy.SubmittedGraphsFor(marker));
        Assert.Equal($"tf-{marker}-result-image.png", sent["1"]!["inputs"]!["image"]!.GetValue<string>());
        var prompt = Assert.Single(Comfy.CallsFor(marker), c => c.Kind == "prompt");
        Assert.Equal(ComfyUIClient.ClientId, JsonNode.Parse(prompt.Body)!["client_id"]!.GetValue<string>());
        Assert.Equal(job.JobId, prompt.PromptId);
        Assert.Equal(["POST"], client.Log.Entries.Where(e => e.Url.EndsWith("/upload/image", StringComparison.Ordinal)).Select(e => e.Method));
        Assert.Equal(job.JobId, client.Log.Entries.Single(e => e.Url.EndsWith("/prompt", StringComparison.Ordinal)).ProviderRequestId);
    }

    [Fact]
    public async Task SubmitAsync_NodeErrors_ThrowsValidationNamingTheNode()
    {
        var (marker, _) = FakeComfyUIServer.NewMarker();
        var graph = FakeComfyUIServer.Mark(ComfyUITestGraphs.TextToImage(), marker);
        graph["6"]!["inputs"]!.AsObject().Remove("clip");
        using var client = Client();

        var ex = await Assert.ThrowsAsync<ProviderException>(() =>
            client.Provider.SubmitAsync(new ProviderJobRequest("txt2img", new JsonObject { ["prompt"] = graph }), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.VALIDATION, false), (ex.Failure.Category, ex.Failure.Retryable));
        Assert.Contains("node 6 (CLIPTextEncode): Required input is missing: clip", ex.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(400, client.Log.Entries.Single().StatusCode);
    }

    [Fact]
    public async Task SubmitAsync_ScriptedNodeRejection_ThrowsValidationNamingTheNode()
    {
        var (marker, _) = FakeComfyUIServer.NewMarker();
        Comfy.Script(marker).Then(ComfyPlan.RejectsNode("Value not in list", "4"));
        using var client = Client();

        var ex = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.SubmitAsync(
            new ProviderJobRequest("txt2img", new JsonObject { ["prompt"] = FakeComfyUIServer.Mark(ComfyUITestGraphs.TextToImage(), marker) }), client.Log, CancellationToken.None));

        Assert.Equal(ErrorCategory.VALIDATION, ex.Failure.Category);
        Assert.Contains("node 4 (CheckpointLoaderSimple): Value not in list", ex.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitAsync_UnknownClassType_ThrowsValidation()
    {
        var graph = ComfyUITestGraphs.TextToImage();
        graph["4"]!["class_type"] = "NoSuchLoader";
        using var client = Client();

        var ex = await Assert.ThrowsAsync<ProviderException>(() =>
            client.Provider.SubmitAsync(new ProviderJobRequest("txt2img", new JsonObject { ["prompt"] = graph }), client.Log, CancellationToken.None));

        Assert.Equal(ErrorCategory.VALIDATION, ex.Failure.Category);
        Assert.Contains("NoSuchLoader", ex.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitAsync_Gateway503_ThrowsRetryableUnavailable()
    {
        var (marker, _) = FakeComfyUIServer.NewMarker();
        Comfy.Script(marker).Then(ComfyPlan.PromptFails(503, "Service Unavailable"));
        using var client = Client();

        var ex = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.SubmitAsync(
            new ProviderJobRequest("txt2img", new JsonObject { ["prompt"] = FakeComfyUIServer.Mark(ComfyUITestGraphs.TextToImage(), marker) }), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.PROVIDER_UNAVAILABLE, true), (ex.Failure.Category, ex.Failure.Retryable));
    }

    [Fact]
    public async Task SubmitAsync_NothingListening_ThrowsRetryableUnavailableAndJournals()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = Client(baseUrl: new Uri($"http://127.0.0.1:{port}/"));

        var ex = await Assert.ThrowsAsync<ProviderException>(() =>
            client.Provider.SubmitAsync(new ProviderJobRequest("txt2img", new JsonObject { ["prompt"] = ComfyUITestGraphs.TextToImage() }), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.PROVIDER_UNAVAILABLE, true), (ex.Failure.Category, ex.Failure.Retryable));
        var entry = Assert.Single(client.Log.Entries);
        Assert.Null(entry.StatusCode);
        Assert.NotNull(entry.Error);
    }

    [Fact]
    public async Task GetStatusAsync_PendingRunningDone_MapsStatesAndPosition()
    {
        // A server of its own: pending prompts of other tests would come first in the queue.
        await using var server = await FakeComfyUIServer.StartAsync();
        var (marker, _) = FakeComfyUIServer.NewMarker();
        server.Script(marker).Then(ComfyPlan.Succeeds(pendingPolls: 2, runningPolls: 1));
        using var client = Client(baseUrl: server.BaseUrl);
        var job = await SubmitAsync(client, marker);

        var states = new List<ProviderJobStatus>();
        for (var i = 0; i < 4; i++)
        {
            states.Add(await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None));
        }

        Assert.Equal((ProviderJobState.Queued, 0), (states[0].State, states[0].QueuePosition));
        Assert.Equal(ProviderJobState.Queued, states[1].State);
        Assert.Equal(ProviderJobState.Running, states[2].State);
        Assert.Equal(ProviderJobState.Completed, states[3].State);
        Assert.Contains(client.Log.Entries, e => e.Url.EndsWith("/queue", StringComparison.Ordinal) && e.Method == "GET");
        Assert.Equal($"/history/{job.JobId}", server.CallsFor(marker).First(c => c.Kind == "history").PathAndQuery);
    }

    [Fact]
    public async Task GetStatusAsync_SecondPendingPrompt_ReportsItsQueuePosition()
    {
        var (marker, _) = FakeComfyUIServer.NewMarker();
        Comfy.Script(marker).Then(ComfyPlan.Succeeds(pendingPolls: 5, runningPolls: 1));
        using var client = Client();
        var first = await SubmitAsync(client, marker);
        var second = await SubmitAsync(client, marker);

        var firstStatus = await client.Provider.GetStatusAsync(first, client.Log, CancellationToken.None);
        var secondStatus = await client.Provider.GetStatusAsync(second, client.Log, CancellationToken.None);

        Assert.Equal((ProviderJobState.Queued, ProviderJobState.Queued), (firstStatus.State, secondStatus.State));
        Assert.Equal(firstStatus.QueuePosition + 1, secondStatus.QueuePosition);
    }

    [Fact]
    public async Task GetStatusAsync_ExecutionError_FailsWithProviderErrorNamingTheNode()
    {
        var (marker, _) = FakeComfyUIServer.NewMarker();
        Comfy.Script(marker).Then(ComfyPlan.Fails("Allocation on device", "torch.OutOfMemoryError", nodeId: "3", runningPolls: 0));
        using var client = Client();
        var job = await SubmitAsync(client, marker);

        var status = await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None);

        Assert.Equal(ProviderJobState.Failed, status.State);
        Assert.Equal(ErrorCategory.PROVIDER_ERROR, status.Failure!.Category);
        Assert.Contains("node 3 (KSampler)", status.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("torch.OutOfMemoryError: Allocation on device", status.Failure.Message, StringComparison.Ordinal);
        var ex = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.GetResultAsync(job, client.Log, CancellationToken.None));
        Assert.Equal(ErrorCategory.PROVIDER_ERROR, ex.Failure.Category);
    }

    [Fact]
    public async Task GetStatusAsync_UnknownPrompt_ThrowsRetryableProviderError()
    {
        using var client = Client();

        var ex = await Assert.ThrowsAsync<ProviderException>(() =>
            client.Provider.GetStatusAsync(new ProviderJob(ProviderType.COMFYUI, "txt2img", Guid.NewGuid().ToString()), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.PROVIDER_ERROR, true), (ex.Failure.Category, ex.Failure.Retryable));
    }

    [Fact]
    public async Task GetResultAsync_Success_DownloadsEveryImageThroughView()
    {
        var (marker, _) = FakeComfyUIServer.NewMarker();
        Comfy.Script(marker).Then(ComfyPlan.Succeeds(runningPolls: 0, images: 2));
        using var client = Client();
        var graph = ComfyUITestGraphs.TextToImage();
        graph["5"]!["inputs"]!["width"] = 40;
        graph["5"]!["inputs"]!["height"] = 24;
        var job = await SubmitAsync(client, marker, graph);
        Assert.Equal(ProviderJobState.Completed, (await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None)).State);

        var output = await client.Provider.GetResultAsync(job, client.Log, CancellationToken.None);

        Assert.Equal(2, output.Files.Count);
        Assert.All(output.Files, f => Assert.Equal((ProviderFileKind.Image, "image/png", (Uri?)null), (f.Kind, f.ContentType, f.Url)));
        Assert.Equal(["$.outputs.9.images[0]", "$.outputs.9.images[1]"], output.Files.Select(f => f.JsonPath));
        using var image = SixLabors.ImageSharp.Image.Load(output.Files[0].Content!);
        Assert.Equal((40, 24), (image.Width, image.Height));
        Assert.Equal(job.JobId, output.ProviderRequestId);
        var views = Comfy.CallsFor(marker).Where(c => c.Kind == "view").ToList();
        Assert.Equal(2, views.Count);
        Assert.Contains("type=output", views[0].PathAndQuery, StringComparison.Ordinal);
        Assert.All(client.Log.Entries.Where(e => e.Url.Contains("/view", StringComparison.Ordinal)), e => Assert.DoesNotContain("?", e.Url, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetResultAsync_VideoOutput_ReturnsMp4AsVideo()
    {
        var (marker, _) = FakeComfyUIServer.NewMarker();
        Comfy.Script(marker).Then(ComfyPlan.Succeeds(runningPolls: 0));
        var graph = ComfyUITestGraphs.TextToImage();
        graph["9"] = new JsonObject { ["class_type"] = "VHS_VideoCombine", ["inputs"] = new JsonObject { ["images"] = new JsonArray("8", 0), ["frame_rate"] = 8 } };
        using var client = Client();
        var job = await SubmitAsync(client, marker, graph);
        await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None);

        var output = await client.Provider.GetResultAsync(job, client.Log, CancellationToken.None);

        var file = Assert.Single(output.Files);
        Assert.Equal((ProviderFileKind.Video, "$.outputs.9.gifs[0]"), (file.Kind, file.JsonPath));
        Assert.True(ProviderResultWriter.IsIsoBmff(file.Content));
    }

    [Fact]
    public async Task CancelAsync_PendingPrompt_DeletesItFromTheQueue()
    {
        var (marker, _) = FakeComfyUIServer.NewMarker();
        Comfy.Script(marker).Then(ComfyPlan.Succeeds(pendingPolls: 10));
        using var client = Client();
        var job = await SubmitAsync(client, marker);

        var cancelled = await client.Provider.CancelAsync(job, client.Log, CancellationToken.None);

        Assert.True(cancelled);
        var delete = Assert.Single(Comfy.Calls, c => c.Kind == "delete" && c.Body.Contains(job.JobId, StringComparison.Ordinal));
        Assert.Equal(job.JobId, JsonNode.Parse(delete.Body)!["delete"]![0]!.GetValue<string>());
        Assert.Equal("deleted", Comfy.PromptState(job.JobId));
        Assert.DoesNotContain(Comfy.Calls, c => c.Kind == "interrupt" && c.Body.Contains(job.JobId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CancelAsync_RunningPrompt_InterruptsIt()
    {
        var (marker, _) = FakeComfyUIServer.NewMarker();
        Comfy.Script(marker).Then(ComfyPlan.HoldUntilReleased());
        using var client = Client();
        var job = await SubmitAsync(client, marker);
        Assert.Equal(ProviderJobState.Running, (await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None)).State);

        var cancelled = await client.Provider.CancelAsync(job, client.Log, CancellationToken.None);
        var status = await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None);

        Assert.True(cancelled);
        Assert.Single(Comfy.Calls, c => c.Kind == "interrupt" && c.Body.Contains(job.JobId, StringComparison.Ordinal));
        Assert.Equal((ProviderJobState.Failed, ErrorCategory.CANCELLED), (status.State, status.Failure!.Category));
    }

    [Fact]
    public async Task CancelAsync_FinishedPrompt_ReturnsFalseWithoutSending()
    {
        var (marker, _) = FakeComfyUIServer.NewMarker();
        Comfy.Script(marker).Then(ComfyPlan.Succeeds(runningPolls: 0));
        using var client = Client();
        var job = await SubmitAsync(client, marker);
        await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None);

        var cancelled = await client.Provider.CancelAsync(job, client.Log, CancellationToken.None);

        Assert.False(cancelled);
        Assert.DoesNotContain(Comfy.Calls, c => (c.Kind is "interrupt" or "delete") && c.Body.Contains(job.JobId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Calls_WithApiKey_SendBearerOnEveryCallAndJournalNoSecret()
    {
        var token = "secret-" + Guid.NewGuid().ToString("N");
        await using var server = await FakeComfyUIServer.StartAsync(token);
        server.DefaultScript.Then(ComfyPlan.Succeeds(runningPolls: 0));
        using var client = Client(baseUrl: server.BaseUrl, apiKey: token);
        var input = new JsonObject
        {
            ["prompt"] = ComfyUITestGraphs.ImageToImage(),
            ["uploads"] = new JsonArray(new ComfyUIUpload("1", "image", "tf-x-result-image.png", InputImages.DataUri(TestImages.SplitPng(4, 4))).ToJson()),
        };

        var job = await client.Provider.SubmitAsync(new ProviderJobRequest("image", input), client.Log, CancellationToken.None);
        await client.Provider.GetStatusAsync(job, client.Log, CancellationToken.None);
        await client.Provider.GetResultAsync(job, client.Log, CancellationToken.None);

        Assert.Equal(["upload", "prompt", "history", "history", "view"], server.Calls.Select(c => c.Kind));
        Assert.All(server.Calls, c => Assert.Equal("Bearer " + token, c.Headers["Authorization"]));
        var journal = JsonSerializer.Serialize(client.Log.Entries.Select(e => e.ToJson()).ToList());
        Assert.DoesNotContain(token, journal, StringComparison.Ordinal);
        Assert.DoesNotContain("base64", journal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_WithoutApiKey_SendNoAuthorization()
    {
        var (marker, _) = FakeComfyUIServer.NewMarker();
        using var client = Client();

        await SubmitAsync(client, marker);

        Assert.All(Comfy.CallsFor(marker), c => Assert.False(c.Headers.ContainsKey("Authorization")));
    }

    [Fact]
    public async Task SubmitAsync_WrongToken_ThrowsAuthentication()
    {
        await using var server = await FakeComfyUIServer.StartAsync("the-token");
        using var client = Client(baseUrl: server.BaseUrl, apiKey: "not-the-token");

        var ex = await Assert.ThrowsAsync<ProviderException>(() =>
            client.Provider.SubmitAsync(new ProviderJobRequest("txt2img", new JsonObject { ["prompt"] = ComfyUITestGraphs.TextToImage() }), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.AUTHENTICATION, false), (ex.Failure.Category, ex.Failure.Retryable));
        Assert.DoesNotContain("not-the-token", ex.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitAsync_NoGraph_ThrowsValidationWithoutCalling()
    {
        using var client = Client();

        var ex = await Assert.ThrowsAsync<ProviderException>(() =>
            client.Provider.SubmitAsync(new ProviderJobRequest("x", new JsonObject { ["prompt"] = "not a graph" }), client.Log, CancellationToken.None));

        Assert.Equal(ErrorCategory.VALIDATION, ex.Failure.Category);
        Assert.Empty(client.Log.Entries);
    }

    [Fact]
    public async Task SubmitAsync_WithSubmitKey_NamesThePromptAfterTheKeyAndFindSubmittedFindsIt()
    {
        var (marker, _) = FakeComfyUIServer.NewMarker();
        var graph = FakeComfyUIServer.Mark(ComfyUITestGraphs.TextToImage(), marker);
        var key = $"{Guid.NewGuid()}/0:1";
        var request = new ProviderJobRequest("txt2img", new JsonObject { ["prompt"] = graph }, SubmitKey: key);
        using var client = Client();
        var lookup = (IJobLookup)client.Provider;
        var before = await lookup.FindSubmittedAsync(request, DateTimeOffset.UtcNow, client.Log, CancellationToken.None);

        var job = await client.Provider.SubmitAsync(request, client.Log, CancellationToken.None);
        var found = await lookup.FindSubmittedAsync(request, DateTimeOffset.UtcNow, client.Log, CancellationToken.None);
        var otherAttempt = await lookup.FindSubmittedAsync(request with { SubmitKey = key + "x" }, DateTimeOffset.UtcNow, client.Log, CancellationToken.None);

        Assert.Null(before);
        Assert.Equal(ComfyUIClient.PromptIdFor(request), job.JobId);
        Assert.True(Guid.TryParse(job.JobId, out _));
        Assert.Equal(job, found);
        Assert.Null(otherAttempt);
        Assert.Single(Comfy.CallsFor(marker), c => c.Kind == "prompt");
    }

    [Fact]
    public void PromptIdFor_SameKey_StableAndDistinctPerKey()
    {
        var request = new ProviderJobRequest("txt2img", [], SubmitKey: "task/0:1");

        Assert.Equal(ComfyUIClient.PromptIdFor(request), ComfyUIClient.PromptIdFor(request with { Input = new JsonObject { ["x"] = 1 } }));
        Assert.NotEqual(ComfyUIClient.PromptIdFor(request), ComfyUIClient.PromptIdFor(request with { SubmitKey = "task/0:2" }));
        Assert.Null(ComfyUIClient.PromptIdFor(request with { SubmitKey = null }));
    }

    private static async Task<ProviderJob> SubmitAsync(TestClient client, string marker, JsonObject? graph = null) =>
        await client.Provider.SubmitAsync(
            new ProviderJobRequest("txt2img", new JsonObject { ["prompt"] = FakeComfyUIServer.Mark(graph ?? ComfyUITestGraphs.TextToImage(), marker) }),
            client.Log,
            CancellationToken.None);

    private TestClient Client(Uri? baseUrl = null, string? apiKey = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Providers:ComfyUI:BaseUrl"] = (baseUrl ?? Comfy.BaseUrl).AbsoluteUri,
            ["Providers:ComfyUI:ApiKey"] = apiKey,
            ["Providers:ComfyUI:RequestTimeout"] = "00:00:10",
        };
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddTaskFunctionsComfyUI();
        return new TestClient(services.BuildServiceProvider());
    }

    private sealed class TestClient(ServiceProvider services) : IDisposable
    {
        public IJobProvider Provider => services.GetRequiredKeyedService<IJobProvider>(ProviderType.COMFYUI);

        public ServiceRequestLog Log { get; } = new(ProviderType.COMFYUI, 1, TimeProvider.System);

        public void Dispose() => services.Dispose();
    }
}
