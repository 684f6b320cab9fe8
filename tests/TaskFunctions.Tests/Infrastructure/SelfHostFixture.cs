using System.Net.Http.Headers;
using TaskFunctions.Tests.EndToEnd;
using TaskFunctions.Tests.Infrastructure.FakeComfyUI;
using TaskFunctions.Tests.Infrastructure.FakeFal;
using TaskFunctions.Tests.Infrastructure.FakeOpenAI;
using TaskFunctions.Tests.Infrastructure.FakeReplicate;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>One Azurite and one self-host process shared by the end-to-end tests of a collection.</summary>
public sealed class SelfHostFixture : IAsyncLifetime
{
    private readonly AzuriteFixture azurite = new();

    public SelfHostProcess Host { get; private set; } = null!;

    /// <summary>Serves test images over HTTP; the self-host may fetch from it (it is in Outbound:AllowedHosts).</summary>
    public ImageServer Images { get; private set; } = null!;

    /// <summary>The fal queue API the self-host calls (scripted per app id).</summary>
    public FakeFalServer Fal { get; private set; } = null!;

    /// <summary>The Replicate predictions API the self-host calls (scripted per model).</summary>
    public FakeReplicateServer Replicate { get; private set; } = null!;

    /// <summary>The OpenAI-compatible API the self-host calls (scripted per model).</summary>
    public FakeOpenAIServer OpenAI { get; private set; } = null!;

    /// <summary>The ComfyUI server the self-host calls (scripted per graph marker), behind a bearer token.</summary>
    public FakeComfyUIServer ComfyUI { get; private set; } = null!;

    /// <summary>Receives the self-host's webhooks.</summary>
    public WebhookSink Webhooks { get; private set; } = null!;

    public string StorageConnectionString => azurite.ConnectionString;

    public async Task InitializeAsync()
    {
        await azurite.InitializeAsync();
        Images = await ImageServer.StartAsync();
        SampleBodies.RemoteImageUrl = Images.Url("image.png").ToString();
        Fal = await FakeFalServer.StartAsync();
        Webhooks = await WebhookSink.StartAsync();
        Replicate = await FakeReplicateServer.StartAsync();
        OpenAI = await FakeOpenAIServer.StartAsync();
        ComfyUI = await FakeComfyUIServer.StartAsync("comfy-" + Guid.NewGuid().ToString("N"));
        Host = new SelfHostProcess(azurite.ConnectionString, ProviderTestSettings.WithProviders(ProviderTestSettings.For(Fal, Webhooks, Images), Replicate, OpenAI, ComfyUI));
        await Host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Images.DisposeAsync();
        await Fal.DisposeAsync();
        await Webhooks.DisposeAsync();
        await Replicate.DisposeAsync();
        await OpenAI.DisposeAsync();
        await ComfyUI.DisposeAsync();
        await azurite.DisposeAsync();
    }

    /// <summary>A client for the given tenant (or admin), with a valid bearer token.</summary>
    public HttpClient Client(string? tenant, bool admin = false)
    {
        var client = new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestAuth.Token(tenant, admin));
        return client;
    }

    /// <summary>Waits until the task's orchestration has ended (see <see cref="HubInstances.WaitForEndAsync"/>); returns its runtime status.</summary>
    public Task<string> WaitForWorkflowEndAsync(string taskId, TimeSpan? timeout = null) =>
        HubInstances.WaitForEndAsync(StorageConnectionString, Host.Environment["TASKHUB_NAME"], taskId, timeout ?? TimeSpan.FromSeconds(90));

    /// <summary>A client without any Authorization header.</summary>
    public HttpClient AnonymousClient() => new() { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
}
