namespace TaskFunctions.Tests.Infrastructure.FakeFal;

/// <summary>One <see cref="FakeFalServer"/> per test class; tests keep apart by using app ids of their own.</summary>
public sealed class FakeFalFixture : IAsyncLifetime
{
    public FakeFalServer Server { get; private set; } = null!;

    /// <summary>A fresh app id, "test-{guid}/app" plus an optional sub path, whose script and calls no other test sees.</summary>
    public static string NewAppId(string? subPath = null) =>
        $"test-{Guid.NewGuid():N}/app" + (subPath is null ? string.Empty : "/" + subPath);

    public async Task InitializeAsync() => Server = await FakeFalServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
