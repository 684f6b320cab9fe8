using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Net;

namespace TaskFunctions.Tests.Net;

/// <summary>Refusals proven through a fake network: name resolution is scripted and connects are recorded, never dialled.</summary>
public sealed class SafeHttpFetcherGuardTests
{
    private static SafeHttpFetcher CreateFetcher(RecordingNetwork network, params string[] allowedHosts) => new(
        Options.Create(new OutboundOptions { AllowedHosts = [.. allowedHosts], Timeout = TimeSpan.FromSeconds(5) }),
        NullLogger.Instance,
        network.ResolveAsync,
        network.ConnectAsync);

    private static IPAddress[] Addresses(params string[] addresses) => [.. addresses.Select(IPAddress.Parse)];

    [Theory]
    [InlineData("http://127.0.0.1/")]
    [InlineData("http://localhost/")]
    [InlineData("http://LOCALHOST./")]
    [InlineData("http://[::1]/")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://168.63.129.16/")]
    [InlineData("http://10.0.0.1/")]
    [InlineData("http://172.16.0.1/")]
    [InlineData("http://192.168.1.1/")]
    [InlineData("http://100.64.0.1/")]
    [InlineData("http://[fd00::1]/")]
    [InlineData("http://[fe80::1%25eth0]/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("http://[::ffff:7f00:1]/")]
    [InlineData("http://[64:ff9b::a00:1]/")]
    [InlineData("http://[2002:a9fe:a9fe::]/")]
    [InlineData("http://0.0.0.0/")]
    [InlineData("http://[::]/")]
    [InlineData("http://2130706433/")]
    [InlineData("http://0x7f.1/")]
    [InlineData("http://017700000001/")]
    [InlineData("https://10.0.0.1:8443/")]
    public async Task FetchAsync_ForbiddenTarget_ThrowsForbiddenWithoutConnecting(string url)
    {
        // Arrange
        var network = new RecordingNetwork(host => host == "localhost" ? Addresses("127.0.0.1", "::1") : []);
        using SafeHttpFetcher fetcher = CreateFetcher(network);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(() => fetcher.FetchAsync(new Uri(url), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.Forbidden, ex.Kind);
        Assert.Empty(network.Connects);
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("169.254.169.254")]
    [InlineData("::ffff:192.168.7.7")]
    [InlineData("fd12:3456::1")]
    public async Task FetchAsync_HostNameResolvingToForbiddenAddress_ThrowsForbiddenWithoutLeakingIt(string address)
    {
        // Arrange
        var network = new RecordingNetwork(_ => Addresses(address));
        using SafeHttpFetcher fetcher = CreateFetcher(network);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(
            () => fetcher.FetchAsync(new Uri("http://images.example.test/a.png"), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.Forbidden, ex.Kind);
        Assert.Equal(["images.example.test"], network.Resolved);
        Assert.Empty(network.Connects);
        Assert.DoesNotContain(address, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task FetchAsync_MixedPublicAndPrivateAnswers_ThrowsForbiddenWithoutConnecting()
    {
        // Arrange: a rebinding resolver answering one public and one private address.
        var network = new RecordingNetwork(_ => Addresses("93.184.215.14", "10.0.0.7"));
        using SafeHttpFetcher fetcher = CreateFetcher(network);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(
            () => fetcher.FetchAsync(new Uri("http://rebind.example.test/"), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.Forbidden, ex.Kind);
        Assert.Empty(network.Connects);
    }

    [Fact]
    public async Task FetchAsync_PublicAnswer_ConnectsToExactlyTheCheckedAddress()
    {
        // Arrange: the fake connect refuses, so nothing is sent; the test only inspects what would have been dialled.
        var network = new RecordingNetwork(_ => Addresses("93.184.215.14"));
        using SafeHttpFetcher fetcher = CreateFetcher(network);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(
            () => fetcher.FetchAsync(new Uri("https://public.example.test:8443/a.png"), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.Network, ex.Kind);
        (IPAddress[] addresses, int port) = Assert.Single(network.Connects);
        Assert.Equal(Addresses("93.184.215.14"), addresses);
        Assert.Equal(8443, port);
        Assert.DoesNotContain("93.184.215.14", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_AllowedHostName_ConnectsDespitePrivateAnswer()
    {
        // Arrange: a local fake provider listed in AllowedHosts may resolve to a private address.
        var network = new RecordingNetwork(_ => Addresses("10.0.0.5"));
        using SafeHttpFetcher fetcher = CreateFetcher(network, "fake-provider:8080");

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(
            () => fetcher.FetchAsync(new Uri("http://FAKE-PROVIDER:8080/result"), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.Network, ex.Kind);
        Assert.Equal(Addresses("10.0.0.5"), Assert.Single(network.Connects).Addresses);
    }

    [Fact]
    public async Task FetchAsync_AllowedHostOnOtherPort_ThrowsForbidden()
    {
        // Arrange: the allow-list entry is host AND port.
        var network = new RecordingNetwork(_ => Addresses("10.0.0.5"));
        using SafeHttpFetcher fetcher = CreateFetcher(network, "fake-provider:8080");

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(
            () => fetcher.FetchAsync(new Uri("http://fake-provider:8081/result"), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.Forbidden, ex.Kind);
        Assert.Empty(network.Connects);
    }

    [Fact]
    public async Task FetchAsync_UnresolvableHost_ThrowsNetwork()
    {
        // Arrange
        var network = new RecordingNetwork(_ => []);
        using SafeHttpFetcher fetcher = CreateFetcher(network);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(
            () => fetcher.FetchAsync(new Uri("http://nowhere.example.test/"), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.Network, ex.Kind);
        Assert.Empty(network.Connects);
    }

    [Theory]
    [InlineData("http://127.0.0.1/hook")]
    [InlineData("http://localhost/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://168.63.129.16/")]
    [InlineData("http://10.0.0.1/")]
    [InlineData("http://[::1]/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("https://192.168.1.1:8443/hook")]
    public async Task PostAsync_ForbiddenTarget_ThrowsForbiddenWithoutConnecting(string url)
    {
        // Arrange
        var network = new RecordingNetwork(host => host == "localhost" ? Addresses("127.0.0.1", "::1") : []);
        using SafeHttpFetcher fetcher = CreateFetcher(network);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(() => fetcher.PostAsync(
            new Uri(url), [1, 2, 3], "application/json", new Dictionary<string, string>(), TimeSpan.FromSeconds(5), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.Forbidden, ex.Kind);
        Assert.Empty(network.Connects);
    }

    [Fact]
    public async Task PostAsync_HostNameResolvingToForbiddenAddress_ThrowsForbiddenWithoutLeakingIt()
    {
        // Arrange
        var network = new RecordingNetwork(_ => Addresses("10.20.30.40"));
        using SafeHttpFetcher fetcher = CreateFetcher(network);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(() => fetcher.PostAsync(
            new Uri("https://hooks.example.test/in"), [1], "application/json", new Dictionary<string, string>(), TimeSpan.FromSeconds(5), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.Forbidden, ex.Kind);
        Assert.Equal(["hooks.example.test"], network.Resolved);
        Assert.Empty(network.Connects);
        Assert.DoesNotContain("10.20.30.40", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostAsync_PublicAnswer_ConnectsToExactlyTheCheckedAddress()
    {
        // Arrange
        var network = new RecordingNetwork(_ => Addresses("93.184.215.14"));
        using SafeHttpFetcher fetcher = CreateFetcher(network);

        // Act
        var ex = await Assert.ThrowsAsync<OutboundRequestException>(() => fetcher.PostAsync(
            new Uri("https://hooks.example.test/in"), [1], "application/json", new Dictionary<string, string>(), TimeSpan.FromSeconds(5), CancellationToken.None));

        // Assert
        Assert.Equal(OutboundFailure.Network, ex.Kind);
        (IPAddress[] addresses, int port) = Assert.Single(network.Connects);
        Assert.Equal(Addresses("93.184.215.14"), addresses);
        Assert.Equal(443, port);
    }
}
