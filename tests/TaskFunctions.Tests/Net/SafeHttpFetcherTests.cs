using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Net;

namespace TaskFunctions.Tests.Net;

/// <summary>The fetcher against real loopback servers; every connection goes to 127.0.0.1 only.</summary>
public sealed class SafeHttpFetcherTests : IAsyncLifetime
{
    private const int MaxBytes = 4096;

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

    private static SafeHttpFetcher CreateFetcher(IEnumerable<string> allowedHosts, Action<OutboundOptions>? configure = null)
    {
        var options = new OutboundOptions
        {
            AllowedHosts = [.. allowedHosts],
            MaxResponseBytes = MaxBytes,
            Timeout = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(options);
        return new SafeHttpFetcher(Options.Create(options), NullLogger<SafeHttpFetcher>.Instance);
    }

    [Fact]
    public void Constructor_Always_RecyclesPooledConnections()
    {
        // The fetcher is a singleton (inputs, provider outputs, webhooks): its connections must be recycled for DNS changes
        // to be seen, and every new connection passes the address check again.
        using SafeHttpFetcher fetcher = CreateFetcher([]);

        Assert.Equal(PooledConnections.Lifetime, fetcher.PooledConnectionLifetime);
        Assert.InRange(fetcher.PooledConnectionLifetime, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task FetchAsync_AllowedLoopbackServer_ReturnsBodyAndContentType()
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher([_server.HostPort]);
        Uri url = _server.Url("/ok");

        // Act
        FetchResult result = await fetcher.FetchAsync(url, CancellationToken.None);

        // Assert
        Assert.Equal(LoopbackServer.Payload, result.Content);
        Assert.Equal("image/png", result.ContentType);
        Assert.Equal(url, result.FinalUrl);
    }

    [Fact]
    public async Task FetchAsync_AllowedByHostName_ResolvesAndSucceeds()
    {
        // Arrange: localhost comes from /etc/hosts; the allow-list names the host, not the address.
        using SafeHttpFetcher fetcher = CreateFetcher([$"localhost:{_server.Port}"]);

        // Act
        FetchResult result = await fetcher.FetchAsync(new Uri($"http://localhost:{_server.Port}/ok"), CancellationToken.None);

        // Assert
        Assert.Equal(LoopbackServer.Payload, result.Content);
    }

    [Fact]
    public async Task FetchAsync_LoopbackServerNotAllowed_ThrowsForbiddenWithoutRequest()
    {
        // Arrange: only the other server is allowed.
        using SafeHttpFetcher fetcher = CreateFetcher([_other.HostPort]);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(() => fetcher.FetchAsync(_server.Url("/ok"), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.Forbidden, ex.Kind);
        Assert.Equal(0, _server.Requests);
    }

    [Fact]
    public async Task FetchAsync_LocalhostNameNotAllowed_ThrowsForbiddenWithoutRequest()
    {
        // Arrange: 127.0.0.1:port is allowed but the name localhost:port is not, so the resolved loopback address is refused.
        using SafeHttpFetcher fetcher = CreateFetcher([]);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(
            () => fetcher.FetchAsync(new Uri($"http://localhost:{_server.Port}/ok"), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.Forbidden, ex.Kind);
        Assert.Equal(0, _server.Requests);
        Assert.DoesNotContain("127.0.0.1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_RedirectToLoopbackPortNotAllowed_ThrowsForbidden()
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher([_server.HostPort]);
        Uri target = _other.Url("/ok");

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(
            () => fetcher.FetchAsync(_server.Url("/redirect?to=" + Uri.EscapeDataString(target.AbsoluteUri)), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.Forbidden, ex.Kind);
        Assert.Equal(1, _server.Requests);
        Assert.Equal(0, _other.Requests);
        Assert.DoesNotContain(_other.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.1/")]
    [InlineData("http://[::1]/")]
    [InlineData("http://[fd00::1]/")]
    public async Task FetchAsync_RedirectToForbiddenLiteral_ThrowsForbidden(string target)
    {
        // Arrange: refused before any connect, so nothing leaves loopback.
        using SafeHttpFetcher fetcher = CreateFetcher([_server.HostPort]);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(
            () => fetcher.FetchAsync(_server.Url("/redirect?to=" + Uri.EscapeDataString(target)), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.Forbidden, ex.Kind);
    }

    [Fact]
    public async Task FetchAsync_RedirectToAllowedServer_ReturnsFinalUrl()
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher([_server.HostPort, _other.HostPort]);
        Uri target = _other.Url("/ok");

        // Act
        FetchResult result = await fetcher.FetchAsync(
            _server.Url("/redirect?to=" + Uri.EscapeDataString(target.AbsoluteUri)), CancellationToken.None);

        // Assert
        Assert.Equal(target, result.FinalUrl);
        Assert.Equal(LoopbackServer.Payload, result.Content);
    }

    [Fact]
    public async Task FetchAsync_RedirectsWithinLimit_FollowsRelativeLocations()
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher([_server.HostPort], o => o.MaxRedirects = 3);

        // Act
        FetchResult result = await fetcher.FetchAsync(_server.Url("/chain/3"), CancellationToken.None);

        // Assert
        Assert.Equal(_server.Url("/chain/0"), result.FinalUrl);
        Assert.Equal(4, _server.Requests);
    }

    [Fact]
    public async Task FetchAsync_OneRedirectTooMany_ThrowsTooManyRedirects()
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher([_server.HostPort], o => o.MaxRedirects = 3);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(() => fetcher.FetchAsync(_server.Url("/chain/4"), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.TooManyRedirects, ex.Kind);
    }

    [Fact]
    public async Task FetchAsync_RedirectLoop_ThrowsTooManyRedirects()
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher([_server.HostPort]);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(() => fetcher.FetchAsync(_server.Url("/loop"), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.TooManyRedirects, ex.Kind);
        Assert.Equal(new OutboundOptions().MaxRedirects + 1, _server.Requests);
    }

    [Fact]
    public async Task FetchAsync_RedirectWithoutLocation_ThrowsHttpStatus()
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher([_server.HostPort]);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(
            () => fetcher.FetchAsync(_server.Url("/redirect-no-location"), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.HttpStatus, ex.Kind);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/file")]
    [InlineData("file:///etc/passwd")]
    [InlineData("gopher://127.0.0.1:70/")]
    public async Task FetchAsync_NonHttpScheme_ThrowsBadScheme(string url)
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher([]);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(() => fetcher.FetchAsync(new Uri(url), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.BadScheme, ex.Kind);
    }

    [Fact]
    public async Task FetchAsync_RelativeUrl_ThrowsBadScheme()
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher([]);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(
            () => fetcher.FetchAsync(new Uri("/ok", UriKind.Relative), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.BadScheme, ex.Kind);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://127.0.0.1/file")]
    public async Task FetchAsync_RedirectToNonHttpScheme_ThrowsBadScheme(string target)
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher([_server.HostPort]);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(
            () => fetcher.FetchAsync(_server.Url("/redirect?to=" + Uri.EscapeDataString(target)), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.BadScheme, ex.Kind);
    }

    [Fact]
    public async Task FetchAsync_BodyExactlyAtLimit_Succeeds()
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher([_server.HostPort]);

        // Act
        FetchResult result = await fetcher.FetchAsync(_server.Url($"/chunked?size={MaxBytes}"), CancellationToken.None);

        // Assert
        Assert.Equal(MaxBytes, result.Content.Length);
    }

    [Theory]
    [InlineData("/sized")]
    [InlineData("/chunked")]
    public async Task FetchAsync_BodyOverLimit_ThrowsTooLarge(string path)
    {
        // Arrange: /sized declares Content-Length, /chunked only reveals its size while streaming.
        using SafeHttpFetcher fetcher = CreateFetcher([_server.HostPort]);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(
            () => fetcher.FetchAsync(_server.Url($"{path}?size={MaxBytes + 1}"), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.TooLarge, ex.Kind);
    }

    [Fact]
    public async Task FetchAsync_ChunkedBodyFarOverLimit_StopsReadingAndThrowsTooLarge()
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher([_server.HostPort]);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(
            () => fetcher.FetchAsync(_server.Url($"/chunked?size={64 * 1024 * 1024}"), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.TooLarge, ex.Kind);
    }

    [Fact]
    public async Task FetchAsync_SlowTrickle_ThrowsTimeoutWithinBudget()
    {
        // Arrange: the server sends headers at once, then one byte every 100 ms for 30 s.
        using SafeHttpFetcher fetcher = CreateFetcher([_server.HostPort], o => o.Timeout = TimeSpan.FromMilliseconds(500));
        var stopwatch = Stopwatch.StartNew();

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(() => fetcher.FetchAsync(_server.Url("/slow"), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.Timeout, ex.Kind);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task FetchAsync_CallerCancels_ThrowsOperationCanceled()
    {
        // Arrange: the caller's own cancellation is not reported as a timeout.
        using SafeHttpFetcher fetcher = CreateFetcher([_server.HostPort]);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        // Act & Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetcher.FetchAsync(_server.Url("/slow"), cts.Token));
    }

    [Theory]
    [InlineData(404)]
    [InlineData(500)]
    [InlineData(304)]
    [InlineData(418)]
    public async Task FetchAsync_NonSuccessStatus_ThrowsHttpStatus(int status)
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher([_server.HostPort]);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(
            () => fetcher.FetchAsync(_server.Url($"/status/{status}"), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.HttpStatus, ex.Kind);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_NoContentSuccess_ReturnsEmptyBody()
    {
        // Arrange
        using SafeHttpFetcher fetcher = CreateFetcher([_server.HostPort]);

        // Act
        FetchResult result = await fetcher.FetchAsync(_server.Url("/status/200"), CancellationToken.None);

        // Assert
        Assert.Empty(result.Content);
    }

    [Fact]
    public async Task FetchAsync_AllowedPortWithNothingListening_ThrowsNetwork()
    {
        // Arrange: a port that was just released on 127.0.0.1.
        int port;
        await using (LoopbackServer closed = await LoopbackServer.StartAsync())
        {
            port = closed.Port;
        }

        using SafeHttpFetcher fetcher = CreateFetcher([$"127.0.0.1:{port}"]);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(
            () => fetcher.FetchAsync(new Uri($"http://127.0.0.1:{port}/ok"), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.Network, ex.Kind);
        Assert.DoesNotContain("127.0.0.1", ex.Message, StringComparison.Ordinal);
    }
}
