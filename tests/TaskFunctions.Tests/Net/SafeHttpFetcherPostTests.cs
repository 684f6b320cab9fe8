using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Net;

namespace TaskFunctions.Tests.Net;

/// <summary>The guarded POST against real loopback servers; every connection goes to 127.0.0.1 only.</summary>
public sealed class SafeHttpFetcherPostTests : IAsyncLifetime
{
    private static readonly byte[] Json = Encoding.UTF8.GetBytes("""{"id":"task-1"}""");
    private static readonly Dictionary<string, string> NoHeaders = [];
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    private LoopbackServer _server = null!;
    private LoopbackServer _other = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync();
        _other = await LoopbackServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _other.DisposeAsync();
    }

    private static SafeHttpFetcher CreateFetcher(params string[] allowedHosts) => new(
        Options.Create(new OutboundOptions { AllowedHosts = [.. allowedHosts], Timeout = TimeSpan.FromSeconds(10) }),
        NullLogger<SafeHttpFetcher>.Instance);

    [Fact]
    public async Task PostAsync_AllowedServer_SendsBodyContentTypeAndHeaders()
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher(_server.HostPort);
        var headers = new Dictionary<string, string> { ["x-test"] = "value 1" };

        // Act
        OutboundResponse response = await fetcher.PostAsync(_server.Url("/post/echo"), Json, "application/json", headers, Budget, CancellationToken.None);

        // Assert
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("received", response.Body);
        Assert.Null(response.RetryAfter);
        LoopbackServer.RecordedPost post = Assert.IsType<LoopbackServer.RecordedPost>(_server.LastPost);
        Assert.Equal(Json, post.Body);
        Assert.Equal("application/json", post.Headers["Content-Type"]);
        Assert.Equal("value 1", post.Headers["x-test"]);
        Assert.Equal("TaskFunctions/1.0", post.Headers["User-Agent"]);
        Assert.False(post.Headers.ContainsKey("Cookie"));
    }

    [Fact]
    public async Task PostAsync_UserAgentHeader_ReplacesDefault()
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher(_server.HostPort);
        var headers = new Dictionary<string, string> { ["user-agent"] = "TaskFunctions-Webhooks/1.0" };

        // Act
        await fetcher.PostAsync(_server.Url("/post/echo"), Json, "application/json", headers, Budget, CancellationToken.None);

        // Assert
        Assert.Equal("TaskFunctions-Webhooks/1.0", _server.LastPost!.Headers["User-Agent"]);
    }

    [Fact]
    public async Task PostAsync_Redirect_ReturnsStatusWithoutFollowing()
    {
        // Arrange: the redirect target is allowed too, so only "never follow" keeps it unvisited.
        using SafeHttpFetcher fetcher = CreateFetcher(_server.HostPort, _other.HostPort);
        Uri target = _other.Url("/post/echo");

        // Act
        OutboundResponse response = await fetcher.PostAsync(
            _server.Url("/post/redirect?to=" + Uri.EscapeDataString(target.AbsoluteUri)), Json, "application/json", NoHeaders, Budget, CancellationToken.None);

        // Assert
        Assert.Equal(302, response.StatusCode);
        Assert.Equal(1, _server.Requests);
        Assert.Equal(0, _other.Requests);
    }

    [Theory]
    [InlineData(404)]
    [InlineData(410)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task PostAsync_NonSuccessStatus_ReturnsStatusAndBody(int status)
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher(_server.HostPort);

        // Act
        OutboundResponse response = await fetcher.PostAsync(
            _server.Url($"/post/status/{status}"), Json, "application/json", NoHeaders, Budget, CancellationToken.None);

        // Assert
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("status " + status.ToString(CultureInfo.InvariantCulture), response.Body);
    }

    [Fact]
    public async Task PostAsync_RetryAfterSeconds_ReturnsDelta()
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher(_server.HostPort);

        // Act
        OutboundResponse response = await fetcher.PostAsync(
            _server.Url("/post/status/429?retryAfter=3"), Json, "application/json", NoHeaders, Budget, CancellationToken.None);

        // Assert
        Assert.Equal(429, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), response.RetryAfter);
    }

    [Fact]
    public async Task PostAsync_RetryAfterHttpDate_ReturnsWaitFromResponseDate()
    {
        // Arrange: Kestrel stamps a Date header; the wait is measured from it.
        using SafeHttpFetcher fetcher = CreateFetcher(_server.HostPort);
        string date = DateTimeOffset.UtcNow.AddMinutes(2).ToString("r", CultureInfo.InvariantCulture);

        // Act
        OutboundResponse response = await fetcher.PostAsync(
            _server.Url("/post/status/503?retryAfter=" + Uri.EscapeDataString(date)), Json, "application/json", NoHeaders, Budget, CancellationToken.None);

        // Assert
        Assert.NotNull(response.RetryAfter);
        Assert.InRange(response.RetryAfter.Value, TimeSpan.FromSeconds(117), TimeSpan.FromSeconds(121));
    }

    [Fact]
    public async Task PostAsync_LargeResponse_KeepsOnlyPrefix()
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher(_server.HostPort);

        // Act
        OutboundResponse response = await fetcher.PostAsync(
            _server.Url("/post/large?size=1000000"), Json, "application/json", NoHeaders, Budget, CancellationToken.None);

        // Assert
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(SafeHttpFetcher.MaxPostResponseBytes, response.Body.Length);
    }

    [Fact]
    public async Task PostAsync_ServerHangs_ThrowsTimeoutWithinBudget()
    {
        // Arrange: the per-call budget, not Outbound:Timeout (10 s here), bounds the attempt.
        using SafeHttpFetcher fetcher = CreateFetcher(_server.HostPort);
        var stopwatch = Stopwatch.StartNew();

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(() => fetcher.PostAsync(
            _server.Url("/post/hang"), Json, "application/json", NoHeaders, TimeSpan.FromMilliseconds(500), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.Timeout, ex.Kind);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task PostAsync_CallerCancels_ThrowsOperationCanceled()
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher(_server.HostPort);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        // Act & Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => fetcher.PostAsync(_server.Url("/post/hang"), Json, "application/json", NoHeaders, Budget, cts.Token));
    }

    [Fact]
    public async Task PostAsync_LoopbackServerNotAllowed_ThrowsForbiddenWithoutRequest()
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher(_other.HostPort);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(() => fetcher.PostAsync(
            _server.Url("/post/echo"), Json, "application/json", NoHeaders, Budget, CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.Forbidden, ex.Kind);
        Assert.Equal(0, _server.Requests);
    }

    [Fact]
    public async Task PostAsync_LocalhostNameNotAllowed_ThrowsForbiddenWithoutLeakingAddress()
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher();

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(() => fetcher.PostAsync(
            new Uri($"http://localhost:{_server.Port}/post/echo"), Json, "application/json", NoHeaders, Budget, CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.Forbidden, ex.Kind);
        Assert.Equal(0, _server.Requests);
        Assert.DoesNotContain("127.0.0.1", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/file")]
    [InlineData("file:///etc/passwd")]
    public async Task PostAsync_NonHttpScheme_ThrowsBadScheme(string url)
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher();

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(
            () => fetcher.PostAsync(new Uri(url), Json, "application/json", NoHeaders, Budget, CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.BadScheme, ex.Kind);
    }

    [Fact]
    public async Task PostAsync_AllowedPortWithNothingListening_ThrowsNetwork()
    {
        // Arrange: a port that was just released on 127.0.0.1.
        int port;
        await using (LoopbackServer closed = await LoopbackServer.StartAsync())
        {
            port = closed.Port;
        }

        using SafeHttpFetcher fetcher = CreateFetcher($"127.0.0.1:{port}");

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(() => fetcher.PostAsync(
            new Uri($"http://127.0.0.1:{port}/post/echo"), Json, "application/json", NoHeaders, Budget, CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.Network, ex.Kind);
        Assert.DoesNotContain("127.0.0.1", ex.Message, StringComparison.Ordinal);
    }
}
