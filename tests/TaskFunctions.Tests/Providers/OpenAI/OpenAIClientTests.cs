using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Providers.OpenAI;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;
using TaskFunctions.Tests.Infrastructure.FakeOpenAI;

namespace TaskFunctions.Tests.Providers.OpenAI;

/// <summary>The real <see cref="OpenAIClient"/>, built through DI, against <see cref="FakeOpenAIServer"/> over HTTP.</summary>
public sealed class OpenAIClientTests(FakeOpenAIFixture fixture) : IClassFixture<FakeOpenAIFixture>
{
    private const string ApiVersion = "2025-04-01-preview";

    private FakeOpenAIServer Fake => fixture.Server;

    [Fact]
    public async Task CallAsync_Chat_SendsBodyWithBearerAndReturnsTextAndUsage()
    {
        var model = FakeOpenAIFixture.NewModel();
        Fake.Script(model).Then(OpenAIPlan.Succeeds("A red fox.", promptTokens: 21, completionTokens: 4));
        using var client = Client();
        var input = Chat(model);

        var output = await client.Provider.CallAsync(new ProviderJobRequest(OpenAIClient.ChatEndpoint, input), client.Log, CancellationToken.None);

        var call = Assert.Single(Fake.Calls(model));
        Assert.Equal(("chat", "POST", "/v1/chat/completions", false), (call.Kind, call.Method, call.PathAndQuery, call.Azure));
        Assert.Equal("Bearer " + Fake.ApiKey, call.Headers["Authorization"]);
        Assert.False(call.Headers.ContainsKey("api-key"));
        Assert.StartsWith("application/json", call.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(input, JsonNode.Parse(call.Body)), call.Body);
        Assert.Equal("A red fox.", output.Text);
        Assert.Equal(new TokenUsage(21, 4), output.Usage);
        Assert.Empty(output.Files);
        Assert.StartsWith("req_", output.ProviderRequestId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallAsync_Generations_ReturnsInlinePngs()
    {
        var model = FakeOpenAIFixture.NewModel();
        Fake.Script(model).Then(OpenAIPlan.Succeeds(width: 40, height: 30));
        using var client = Client();
        var input = new JsonObject { ["model"] = model, ["prompt"] = "a red bicycle", ["n"] = 2, ["size"] = "1536x1024" };

        var output = await client.Provider.CallAsync(new ProviderJobRequest(OpenAIClient.GenerationsEndpoint, input), client.Log, CancellationToken.None);

        var call = Assert.Single(Fake.Calls(model));
        Assert.Equal(("generations", "/v1/images/generations"), (call.Kind, call.PathAndQuery));
        Assert.True(JsonNode.DeepEquals(input, JsonNode.Parse(call.Body)), call.Body);
        Assert.Equal(["$.data[0].b64_json", "$.data[1].b64_json"], output.Files.Select(f => f.JsonPath));
        Assert.All(output.Files, f =>
        {
            Assert.Equal((ProviderFileKind.Image, "image/png", (Uri?)null), (f.Kind, f.ContentType, f.Url));
            using var image = SixLabors.ImageSharp.Image.Load(f.Content!);
            Assert.Equal((40, 30), (image.Width, image.Height));
        });
        Assert.Null(output.Raw!["data"]![0]!["b64_json"]);
        Assert.Null(output.Text);
    }

    [Fact]
    public async Task CallAsync_Edits_SendsMultipartImagePartsAndFields()
    {
        var model = FakeOpenAIFixture.NewModel();
        using var client = Client();
        var input = new JsonObject
        {
            ["model"] = model,
            ["prompt"] = "make it blue",
            ["size"] = "1024x1024",
            ["n"] = 1,
            ["quality"] = "high",
            [OpenAIClient.ImagesKey] = new JsonArray(TestImages.PngDataUrl(8, 6), "data:image/jpeg;base64," + Convert.ToBase64String(TestImages.SplitJpeg(4, 4))),
        };

        var output = await client.Provider.CallAsync(new ProviderJobRequest(OpenAIClient.EditsEndpoint, input), client.Log, CancellationToken.None);

        var call = Assert.Single(Fake.Calls(model));
        Assert.Equal(("edits", "/v1/images/edits"), (call.Kind, call.PathAndQuery));
        Assert.StartsWith("multipart/form-data", call.Headers["Content-Type"], StringComparison.Ordinal);
        var images = call.Files("image[]");
        Assert.Equal(2, images.Count);
        Assert.Equal([("image-0.png", "image/png"), ("image-1.jpg", "image/jpeg")], images.Select(p => (p.FileName!, p.ContentType!)));
        Assert.Equal(TestImages.SplitPng(8, 6).Length, images[0].Length);
        Assert.Equal(
            [("model", model), ("n", "1"), ("prompt", "make it blue"), ("quality", "high"), ("size", "1024x1024")],
            call.Parts.Where(p => p.FileName is null).Select(p => (p.Name, p.Value!)).OrderBy(p => p.Name, StringComparer.Ordinal));
        Assert.DoesNotContain(call.Parts, p => p.Name == OpenAIClient.ImagesKey);
        Assert.Single(output.Files);
    }

    [Theory]
    [InlineData(OpenAIClient.ChatEndpoint, "chat")]
    [InlineData(OpenAIClient.GenerationsEndpoint, "generations")]
    [InlineData(OpenAIClient.EditsEndpoint, "edits")]
    public async Task CallAsync_AzureMode_UsesDeploymentPathApiKeyAndApiVersion(string endpoint, string kind)
    {
        var deployment = FakeOpenAIFixture.NewModel();
        using var client = Client(azure: true);
        var input = endpoint == OpenAIClient.ChatEndpoint ? Chat(deployment)
            : new JsonObject { ["model"] = deployment, ["prompt"] = "x", [OpenAIClient.ImagesKey] = new JsonArray(TestImages.PngDataUrl(4, 4)) };
        if (endpoint == OpenAIClient.GenerationsEndpoint)
        {
            input.Remove(OpenAIClient.ImagesKey);
        }

        var output = await client.Provider.CallAsync(new ProviderJobRequest(endpoint, input), client.Log, CancellationToken.None);

        var call = Assert.Single(Fake.Calls(deployment));
        Assert.Equal((kind, true), (call.Kind, call.Azure));
        Assert.Equal($"/openai/deployments/{deployment}/{endpoint}?api-version={ApiVersion}", call.PathAndQuery);
        Assert.Equal(Fake.ApiKey, call.Headers["api-key"]);
        Assert.False(call.Headers.ContainsKey("Authorization"));
        Assert.True(output.Text is not null || output.Files.Count == 1);
        var entry = Assert.Single(client.Log.Entries);
        Assert.Equal(new Uri(Fake.AzureBaseUrl, $"openai/deployments/{deployment}/{endpoint}").AbsoluteUri, entry.Url);
        Assert.Equal(200, entry.StatusCode);
    }

    [Fact]
    public async Task CallAsync_ContentFilterFinish_ThrowsContentPolicyNotRetryable()
    {
        var model = FakeOpenAIFixture.NewModel();
        Fake.Script(model).Then(OpenAIPlan.ContentFilter());
        using var client = Client();

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.CallAsync(new ProviderJobRequest(OpenAIClient.ChatEndpoint, Chat(model)), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.CONTENT_POLICY, false), (error.Failure.Category, error.Failure.Retryable));
        var entry = Assert.Single(client.Log.Entries);
        Assert.Equal((200, error.Failure.Message), (entry.StatusCode, entry.Error));
    }

    [Fact]
    public async Task CallAsync_Refusal_ThrowsContentPolicyNotRetryable()
    {
        var model = FakeOpenAIFixture.NewModel();
        Fake.Script(model).Then(OpenAIPlan.Refusal("I cannot describe that."));
        using var client = Client();

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.CallAsync(new ProviderJobRequest(OpenAIClient.ChatEndpoint, Chat(model)), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.CONTENT_POLICY, false), (error.Failure.Category, error.Failure.Retryable));
        Assert.Contains("I cannot describe that.", error.Failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400, null, ErrorCategory.VALIDATION, false)]
    [InlineData(400, "content_policy_violation", ErrorCategory.CONTENT_POLICY, false)]
    [InlineData(400, "moderation_blocked", ErrorCategory.CONTENT_POLICY, false)]
    [InlineData(400, "content_filter", ErrorCategory.CONTENT_POLICY, false)]
    [InlineData(401, "invalid_api_key", ErrorCategory.AUTHENTICATION, false)]
    [InlineData(403, "unsupported_country_region_territory", ErrorCategory.AUTHENTICATION, false)]
    [InlineData(404, "model_not_found", ErrorCategory.PROVIDER_ERROR, false)]
    [InlineData(408, null, ErrorCategory.TIMEOUT, true)]
    [InlineData(409, null, ErrorCategory.PROVIDER_ERROR, true)]
    [InlineData(429, "rate_limit_exceeded", ErrorCategory.RATE_LIMITED, true)]
    [InlineData(429, "insufficient_quota", ErrorCategory.RATE_LIMITED, false)]
    [InlineData(500, null, ErrorCategory.PROVIDER_UNAVAILABLE, true)]
    [InlineData(503, null, ErrorCategory.PROVIDER_UNAVAILABLE, true)]
    [InlineData(504, null, ErrorCategory.TIMEOUT, true)]
    public async Task CallAsync_ErrorStatus_IsClassified(int status, string? code, ErrorCategory category, bool retryable)
    {
        var model = FakeOpenAIFixture.NewModel();
        Fake.Script(model).Then(OpenAIPlan.Fails(status, code, "Something specific went wrong.", param: "prompt"));
        using var client = Client();

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.CallAsync(new ProviderJobRequest(OpenAIClient.ChatEndpoint, Chat(model)), client.Log, CancellationToken.None));

        Assert.Equal((category, retryable), (error.Failure.Category, error.Failure.Retryable));
        Assert.StartsWith($"openai: HTTP {status}: Something specific went wrong. (param: prompt)", error.Failure.Message, StringComparison.Ordinal);
        if (code is not null)
        {
            Assert.Contains($"[{code}]", error.Failure.Message, StringComparison.Ordinal);
        }

        var entry = Assert.Single(client.Log.Entries);
        Assert.Equal((status, error.Failure.Message), (entry.StatusCode, entry.Error));
        Assert.StartsWith("req_", entry.ProviderRequestId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallAsync_GatewayHtml_ThrowsRetryableUnavailableWithShortMessage()
    {
        var model = FakeOpenAIFixture.NewModel();
        Fake.Script(model).Then(OpenAIPlan.FailsWithBody(502, "<html><body>" + new string('x', 5000) + "</body></html>"));
        using var client = Client();

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.CallAsync(new ProviderJobRequest(OpenAIClient.ChatEndpoint, Chat(model)), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.PROVIDER_UNAVAILABLE, true), (error.Failure.Category, error.Failure.Retryable));
        Assert.True(error.Failure.Message.Length <= HttpFailureClassifier.MaxMessageLength + 30, error.Failure.Message);
    }

    [Theory]
    [InlineData("1500", null, 1500)]
    [InlineData(null, "3", 3000)]
    [InlineData("250", "30", 250)]
    [InlineData(null, "600", null)]
    [InlineData("200000", null, null)]
    [InlineData("0", null, null)]
    [InlineData(null, null, null)]
    public async Task CallAsync_RateLimited_HonoursRetryAfterUpTo120Seconds(string? retryAfterMs, string? retryAfter, int? expectedMs)
    {
        var model = FakeOpenAIFixture.NewModel();
        Fake.Script(model).Then(OpenAIPlan.RateLimited(retryAfterMs, retryAfter));
        using var client = Client();

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.CallAsync(new ProviderJobRequest(OpenAIClient.ChatEndpoint, Chat(model)), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.RATE_LIMITED, true), (error.Failure.Category, error.Failure.Retryable));
        Assert.Equal(expectedMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, error.Failure.RetryAfter);
    }

    [Theory]
    [InlineData(500, "false", false)]
    [InlineData(429, "false", false)]
    [InlineData(404, "true", true)]
    [InlineData(500, "true", true)]
    public async Task CallAsync_ShouldRetryHeader_DecidesRetryable(int status, string header, bool retryable)
    {
        var model = FakeOpenAIFixture.NewModel();
        Fake.Script(model).Then(OpenAIPlan.Fails(status).WithHeader("x-should-retry", header).WithHeader("retry-after", "2"));
        using var client = Client();

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.CallAsync(new ProviderJobRequest(OpenAIClient.ChatEndpoint, Chat(model)), client.Log, CancellationToken.None));

        Assert.Equal(retryable, error.Failure.Retryable);
        Assert.Equal(retryable ? TimeSpan.FromSeconds(2) : null, error.Failure.RetryAfter);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CallAsync_WrongKey_ThrowsAuthenticationWithoutTheKey(bool azure)
    {
        var model = FakeOpenAIFixture.NewModel();
        using var client = Client(apiKey: "sk-not-the-key", azure: azure);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.CallAsync(new ProviderJobRequest(OpenAIClient.ChatEndpoint, Chat(model)), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.AUTHENTICATION, false), (error.Failure.Category, error.Failure.Retryable));
        Assert.Single(Fake.Calls(model));
        Assert.DoesNotContain("sk-not-the-key", error.Failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task CallAsync_MissingKey_ThrowsAuthenticationWithoutCall(string key)
    {
        var model = FakeOpenAIFixture.NewModel();
        using var client = Client(apiKey: key);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.CallAsync(new ProviderJobRequest(OpenAIClient.ChatEndpoint, Chat(model)), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.AUTHENTICATION, false), (error.Failure.Category, error.Failure.Retryable));
        Assert.Empty(Fake.Calls(model));
        Assert.Empty(client.Log.Entries);
    }

    [Theory]
    [InlineData("responses")]
    [InlineData("../chat/completions")]
    [InlineData("https://evil.example/v1/chat/completions")]
    public async Task CallAsync_UnknownEndpoint_ThrowsInternalWithoutCall(string endpoint)
    {
        using var client = Client();

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.CallAsync(new ProviderJobRequest(endpoint, Chat("gpt-4o-mini")), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.INTERNAL, false), (error.Failure.Category, error.Failure.Retryable));
        Assert.Empty(client.Log.Entries);
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, "../../admin")]
    [InlineData(true, "a/b")]
    public async Task CallAsync_MissingOrUnsafeModel_ThrowsValidationWithoutCall(bool azure, string? model)
    {
        using var client = Client(azure: azure);
        var input = new JsonObject { ["model"] = model, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }) };

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.CallAsync(new ProviderJobRequest(OpenAIClient.ChatEndpoint, input), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.VALIDATION, false), (error.Failure.Category, error.Failure.Retryable));
        Assert.Empty(client.Log.Entries);
    }

    [Theory]
    [InlineData("https://images.example/a.png")]
    [InlineData("data:image/png;base64,@@@")]
    [InlineData("data:text/plain;base64,aGVsbG8=")]
    public async Task CallAsync_EditImageNotADataUri_ThrowsValidationWithoutCall(string image)
    {
        var model = FakeOpenAIFixture.NewModel();
        using var client = Client();
        var input = new JsonObject { ["model"] = model, ["prompt"] = "x", [OpenAIClient.ImagesKey] = new JsonArray(image) };

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.CallAsync(new ProviderJobRequest(OpenAIClient.EditsEndpoint, input), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.VALIDATION, false), (error.Failure.Category, error.Failure.Retryable));
        Assert.Empty(Fake.Calls(model));
    }

    [Fact]
    public async Task CallAsync_SlowServer_ThrowsRetryableTimeoutWithinRequestTimeout()
    {
        var model = FakeOpenAIFixture.NewModel();
        Fake.Script(model).Then(OpenAIPlan.Slow());
        using var client = Client(requestTimeout: TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.CallAsync(new ProviderJobRequest(OpenAIClient.ChatEndpoint, Chat(model)), client.Log, CancellationToken.None));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString());
        Assert.Equal((ErrorCategory.TIMEOUT, true), (error.Failure.Category, error.Failure.Retryable));
        var entry = Assert.Single(client.Log.Entries);
        Assert.Null(entry.StatusCode);
        Assert.Equal(error.Failure.Message, entry.Error);
    }

    [Fact]
    public async Task CallAsync_SlowButInTime_Succeeds()
    {
        var model = FakeOpenAIFixture.NewModel();
        Fake.Script(model).Then(OpenAIPlan.Slow(TimeSpan.FromMilliseconds(300)));
        using var client = Client(requestTimeout: TimeSpan.FromSeconds(10));

        var output = await client.Provider.CallAsync(new ProviderJobRequest(OpenAIClient.ChatEndpoint, Chat(model)), client.Log, CancellationToken.None);

        Assert.Equal("Hello from the fake.", output.Text);
    }

    [Fact]
    public async Task CallAsync_CallerCancels_ThrowsOperationCanceled()
    {
        var model = FakeOpenAIFixture.NewModel();
        Fake.Script(model).Then(OpenAIPlan.Slow());
        using var client = Client(requestTimeout: TimeSpan.FromSeconds(60));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Provider.CallAsync(new ProviderJobRequest(OpenAIClient.ChatEndpoint, Chat(model)), client.Log, cancellation.Token));

        Assert.Null(Assert.Single(client.Log.Entries).StatusCode);
    }

    [Fact]
    public async Task CallAsync_ConnectionRefused_ThrowsRetryableUnavailable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = Client(baseUrl: new Uri($"http://127.0.0.1:{port}/v1"));

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Provider.CallAsync(new ProviderJobRequest(OpenAIClient.ChatEndpoint, Chat("gpt-4o-mini")), client.Log, CancellationToken.None));

        Assert.Equal((ErrorCategory.PROVIDER_UNAVAILABLE, true), (error.Failure.Category, error.Failure.Retryable));
        Assert.DoesNotContain("127.0.0.1", error.Failure.Message, StringComparison.Ordinal);
        Assert.Null(Assert.Single(client.Log.Entries).StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ServiceLog_EveryCall_OneEntryWithoutKeyQueryOrBytes(bool azure)
    {
        var model = FakeOpenAIFixture.NewModel();
        Fake.Script(model).Then(OpenAIPlan.Succeeds()).Then(OpenAIPlan.RateLimited("100")).Then(OpenAIPlan.Succeeds());
        using var client = Client(azure: azure);
        var image = TestImages.PngDataUrl(8, 6);

        await client.Provider.CallAsync(new ProviderJobRequest(OpenAIClient.ChatEndpoint, Chat(model)), client.Log, CancellationToken.None);
        await Assert.ThrowsAsync<ProviderException>(() => client.Provider.CallAsync(new ProviderJobRequest(OpenAIClient.ChatEndpoint, Chat(model)), client.Log, CancellationToken.None));
        var output = await client.Provider.CallAsync(
            new ProviderJobRequest(OpenAIClient.EditsEndpoint, new JsonObject { ["model"] = model, ["prompt"] = "x", [OpenAIClient.ImagesKey] = new JsonArray(image) }), client.Log, CancellationToken.None);

        Assert.Equal(3, Fake.Calls(model).Count);
        Assert.Equal([200, 429, 200], client.Log.Entries.Select(e => e.StatusCode));
        Assert.All(client.Log.Entries, e =>
        {
            Assert.Equal(("OPENAI", "POST"), (e.Provider, e.Method));
            Assert.DoesNotContain('?', e.Url);
            Assert.StartsWith((azure ? Fake.AzureBaseUrl : Fake.BaseUrl).AbsoluteUri, e.Url, StringComparison.Ordinal);
            Assert.StartsWith("req_", e.ProviderRequestId, StringComparison.Ordinal);
        });
        var serialized = JsonSerializer.Serialize(client.Log.Entries.Select(e => e.ToJson()).ToList());
        Assert.DoesNotContain(Fake.ApiKey, serialized, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiVersion, serialized, StringComparison.Ordinal);
        Assert.DoesNotContain(image[30..60], serialized, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(output.Files[0].Content!)[..40], serialized, StringComparison.Ordinal);
    }

    private static JsonObject Chat(string model) => new()
    {
        ["model"] = model,
        ["messages"] = new JsonArray(
            new JsonObject { ["role"] = "system", ["content"] = "Be brief." },
            new JsonObject { ["role"] = "user", ["content"] = "Describe a fox, \"quoted\" ünïcode." }),
        ["temperature"] = 0.2,
    };

    private TestClient Client(string? apiKey = null, TimeSpan? requestTimeout = null, Uri? baseUrl = null, bool azure = false)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Providers:OpenAI:BaseUrl"] = (baseUrl ?? (azure ? Fake.AzureBaseUrl : Fake.BaseUrl)).AbsoluteUri,
            ["Providers:OpenAI:ApiKey"] = apiKey ?? Fake.ApiKey,
            ["Providers:OpenAI:RequestTimeout"] = (requestTimeout ?? TimeSpan.FromSeconds(10)).ToString("c"),
        };
        if (azure)
        {
            settings["Providers:OpenAI:Mode"] = "azure";
            settings["Providers:OpenAI:ApiVersion"] = ApiVersion;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddTaskFunctionsOpenAI();
        return new TestClient(services.BuildServiceProvider());
    }

    private sealed class TestClient(ServiceProvider services) : IDisposable
    {
        public ICallProvider Provider => services.GetRequiredKeyedService<ICallProvider>(ProviderType.OPENAI);

        public ServiceRequestLog Log { get; } = new(ProviderType.OPENAI, 1, TimeProvider.System);

        public void Dispose() => services.Dispose();
    }
}
