namespace TaskFunctions.Tests.Infrastructure.FakeReplicate;

/// <summary>One <see cref="FakeReplicateServer"/> per test class; tests keep apart by using models of their own.</summary>
public sealed class FakeReplicateFixture : IAsyncLifetime
{
    public FakeReplicateServer Server { get; private set; } = null!;

    /// <summary>A fresh model, "test-{guid}/model", whose script and calls no other test sees.</summary>
    public static string NewModel() => $"test-{Guid.NewGuid():N}/model";

    /// <summary>A fresh 64-hex version id (versions are scripted and recorded under their id).</summary>
    public static string NewVersion() => Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");

    public async Task InitializeAsync() => Server = await FakeReplicateServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
