namespace TaskFunctions.Tests.Infrastructure.FakeComfyUI;

/// <summary>One <see cref="FakeComfyUIServer"/> (no token) per test class; tests keep apart with markers of their own.</summary>
public sealed class FakeComfyUIFixture : IAsyncLifetime
{
    public FakeComfyUIServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await FakeComfyUIServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
