namespace TaskFunctions.Tests.Auth;

/// <summary>Hands out plain clients; enough for fetching discovery documents from a loopback server.</summary>
internal sealed class TestHttpClientFactory : IHttpClientFactory
{
    public HttpClient CreateClient(string name) => new() { Timeout = TimeSpan.FromSeconds(10) };
}
