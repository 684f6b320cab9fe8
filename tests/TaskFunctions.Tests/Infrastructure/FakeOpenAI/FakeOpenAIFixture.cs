namespace TaskFunctions.Tests.Infrastructure.FakeOpenAI;

/// <summary>One <see cref="FakeOpenAIServer"/> per test class; tests keep apart by using model names of their own.</summary>
public sealed class FakeOpenAIFixture : IAsyncLifetime
{
    public FakeOpenAIServer Server { get; private set; } = null!;

    /// <summary>A fresh model (and Azure deployment) name whose script and calls no other test sees.</summary>
    public static string NewModel() => $"test-{Guid.NewGuid():N}";

    public async Task InitializeAsync() => Server = await FakeOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
