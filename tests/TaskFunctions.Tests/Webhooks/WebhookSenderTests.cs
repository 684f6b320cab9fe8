using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Net;
using TaskFunctions.Core.Webhooks;
using TaskFunctions.Tests.Net;

namespace TaskFunctions.Tests.Webhooks;

/// <summary>The sender against a real loopback receiver that is listed in Outbound:AllowedHosts and checks signatures itself.</summary>
public sealed class WebhookSenderTests : IAsyncLifetime
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"task.completed","data":{"taskId":"t-42","status":"COMPLETED"}}""");

    private readonly string _secret = WebhookTestSecrets.Random();
    private readonly List<IDisposable> _disposables = [];
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync(_secret);

    public async Task DisposeAsync()
    {
        _disposables.ForEach(d => d.Dispose());
        await _receiver.DisposeAsync();
    }

    private WebhookSender CreateSender(
        string? secret = null, TimeSpan? timeout = null, TimeProvider? time = null, string[]? allowedHosts = null)
    {
        var fetcher = new SafeHttpFetcher(
            Options.Create(new OutboundOptions { AllowedHosts = [.. allowedHosts ?? [_receiver.HostPort]] }),
            NullLogger<SafeHttpFetcher>.Instance);
        _disposables.Add(fetcher);
        return CreateSender(fetcher, secret, timeout, time);
    }

    private WebhookSender CreateSender(SafeHttpFetcher fetcher, string? secret = null, TimeSpan? timeout = null, TimeProvider? time = null)
    {
        IOptions<WebhookOptions> options = Options.Create(new WebhookOptions
        {
            SigningSecret = secret ?? _secret,
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
        });
        return new WebhookSender(fetcher, new WebhookSigner(options), options, time ?? TimeProvider.System, NullLogger<WebhookSender>.Instance);
    }

    [Fact]
    public async Task SendAsync_Receiver200_DeliveredAndReceiverSignatureCheckPasses()
    {
        // Arrange
        WebhookSender sender = CreateSender();

        // Act
        WebhookAttemptResult result = await sender.SendAsync(_receiver.Url("/hook"), "wh_delivered", Body, CancellationToken.None);

        // Assert
        Assert.Equal(WebhookDeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal(200, result.StatusCode);
        Assert.Null(result.Error);
        Assert.True(result.DurationMs > 0);
        ReceivedWebhook received = Assert.Single(_receiver.Received);
        Assert.True(received.SignatureValid);
        Assert.Equal(Body, received.Body);
    }

    [Fact]
    public async Task SendAsync_AnyRequest_CarriesStandardWebhooksHeaders()
    {
        // Arrange: a fixed clock, so the timestamp header is known exactly.
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        WebhookSender sender = CreateSender(time: new FixedTimeProvider(now));

        // Act
        await sender.SendAsync(_receiver.Url("/hook"), "wh_headers", Body, CancellationToken.None);

        // Assert
        IReadOnlyDictionary<string, string> headers = Assert.Single(_receiver.Received).Headers;
        Assert.Equal("wh_headers", headers["webhook-id"]);
        Assert.Equal(now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), headers["webhook-timestamp"]);
        Assert.Equal("application/json", headers["content-type"]);
        Assert.Equal("TaskFunctions-Webhooks/1.0", headers["user-agent"]);
        Assert.True(StandardWebhooksVerifier.Verify(_secret, headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"], Body, now));
    }

    [Fact]
    public async Task SendAsync_RotatedSecrets_ReceiverKnowingOnlyNewSecretAccepts()
    {
        // Arrange: old secret first, the receiver's (new) one second.
        WebhookSender sender = CreateSender(secret: WebhookTestSecrets.Random() + " " + _secret);

        // Act
        WebhookAttemptResult result = await sender.SendAsync(_receiver.Url("/hook"), "wh_rotated", Body, CancellationToken.None);

        // Assert
        Assert.Equal(WebhookDeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal(2, Assert.Single(_receiver.Received).Headers["webhook-signature"].Split(' ').Length);
    }

    [Fact]
    public async Task SendAsync_NoSecret_DeliversWithoutSignatureHeader()
    {
        // Arrange
        await using WebhookReceiver lenient = await WebhookReceiver.StartAsync(secret: null);
        WebhookSender sender = CreateSender(secret: string.Empty, allowedHosts: [lenient.HostPort]);

        // Act
        WebhookAttemptResult result = await sender.SendAsync(lenient.Url("/hook"), "wh_unsigned", Body, CancellationToken.None);

        // Assert
        Assert.Equal(WebhookDeliveryOutcome.Delivered, result.Outcome);
        ReceivedWebhook received = Assert.Single(lenient.Received);
        Assert.False(received.Headers.ContainsKey("webhook-signature"));
        Assert.Equal("wh_unsigned", received.Headers["webhook-id"]);
    }

    [Fact]
    public async Task SendAsync_WrongSecret_RetryWithReceiverComplaint()
    {
        // Arrange: the receiver answers 401 to a signature it cannot verify.
        WebhookSender sender = CreateSender(secret: WebhookTestSecrets.Random());

        // Act
        WebhookAttemptResult result = await sender.SendAsync(_receiver.Url("/hook"), "wh_wrong", Body, CancellationToken.None);

        // Assert
        Assert.Equal(WebhookDeliveryOutcome.Retry, result.Outcome);
        Assert.Equal(401, result.StatusCode);
        Assert.Equal("The receiver answered HTTP 401: invalid signature.", result.Error);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(408)]
    [InlineData(404)]
    [InlineData(400)]
    public async Task SendAsync_ReceiverErrorStatus_Retry(int status)
    {
        // Arrange
        WebhookSender sender = CreateSender();

        // Act
        WebhookAttemptResult result = await sender.SendAsync(_receiver.Url($"/status/{status}"), "wh_status", Body, CancellationToken.None);

        // Assert
        Assert.Equal(WebhookDeliveryOutcome.Retry, result.Outcome);
        Assert.Equal(status, result.StatusCode);
        Assert.Contains(status.ToString(CultureInfo.InvariantCulture), result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_Receiver429WithRetryAfter_RetryWithRetryAfter()
    {
        // Arrange
        WebhookSender sender = CreateSender();

        // Act
        WebhookAttemptResult result = await sender.SendAsync(_receiver.Url("/status/429"), "wh_429", Body, CancellationToken.None);

        // Assert
        Assert.Equal(WebhookDeliveryOutcome.Retry, result.Outcome);
        Assert.Equal(429, result.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), result.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_Receiver410_Gone()
    {
        // Arrange
        WebhookSender sender = CreateSender();

        // Act
        WebhookAttemptResult result = await sender.SendAsync(_receiver.Url("/status/410"), "wh_gone", Body, CancellationToken.None);

        // Assert
        Assert.Equal(WebhookDeliveryOutcome.Gone, result.Outcome);
        Assert.Equal(410, result.StatusCode);
    }

    [Fact]
    public async Task SendAsync_Receiver302_RetryAndRedirectTargetNeverHit()
    {
        // Arrange
        WebhookSender sender = CreateSender();

        // Act
        WebhookAttemptResult result = await sender.SendAsync(_receiver.Url("/redirect"), "wh_302", Body, CancellationToken.None);

        // Assert
        Assert.Equal(WebhookDeliveryOutcome.Retry, result.Outcome);
        Assert.Equal(302, result.StatusCode);
        Assert.Equal(0, _receiver.TargetHits);
        Assert.DoesNotContain("/target", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_LoopbackPortNotAllowed_RefusedWithoutRequest()
    {
        // Arrange: a second live receiver that is not in the allow-list.
        await using WebhookReceiver other = await WebhookReceiver.StartAsync(_secret);
        WebhookSender sender = CreateSender();

        // Act
        WebhookAttemptResult result = await sender.SendAsync(other.Url("/hook"), "wh_refused", Body, CancellationToken.None);

        // Assert
        Assert.Equal(WebhookDeliveryOutcome.Refused, result.Outcome);
        Assert.Null(result.StatusCode);
        Assert.Empty(other.Received);
        Assert.DoesNotContain("127.0.0.1", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.1/hook")]
    [InlineData("http://[::1]:8080/hook")]
    [InlineData("http://hooks.internal.test/hook")]
    public async Task SendAsync_PrivateTarget_RefusedWithNothingDialled(string url)
    {
        // Arrange: the fake network resolves every name to a private address and records connects instead of dialling.
        var network = new RecordingNetwork(_ => [IPAddress.Parse("10.9.8.7")]);
        using var fetcher = new SafeHttpFetcher(
            Options.Create(new OutboundOptions()), NullLogger.Instance, network.ResolveAsync, network.ConnectAsync);
        WebhookSender sender = CreateSender(fetcher);

        // Act
        WebhookAttemptResult result = await sender.SendAsync(new Uri(url), "wh_private", Body, CancellationToken.None);

        // Assert
        Assert.Equal(WebhookDeliveryOutcome.Refused, result.Outcome);
        Assert.Empty(network.Connects);
        Assert.DoesNotContain("10.9.8.7", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://example.com/hook")]
    [InlineData("file:///etc/passwd")]
    public async Task SendAsync_NonHttpScheme_Refused(string url)
    {
        // Arrange
        WebhookSender sender = CreateSender();

        // Act
        WebhookAttemptResult result = await sender.SendAsync(new Uri(url), "wh_scheme", Body, CancellationToken.None);

        // Assert
        Assert.Equal(WebhookDeliveryOutcome.Refused, result.Outcome);
    }

    [Fact]
    public async Task SendAsync_ReceiverHangs_RetryWithTimeoutWithinConfiguredTimeout()
    {
        // Arrange
        WebhookSender sender = CreateSender(timeout: TimeSpan.FromMilliseconds(500));
        var stopwatch = Stopwatch.StartNew();

        // Act
        WebhookAttemptResult result = await sender.SendAsync(_receiver.Url("/hang"), "wh_hang", Body, CancellationToken.None);

        // Assert
        Assert.Equal(WebhookDeliveryOutcome.Retry, result.Outcome);
        Assert.Null(result.StatusCode);
        Assert.Contains("within 0.5 seconds", result.Error, StringComparison.Ordinal);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(5));
        Assert.InRange(result.DurationMs, 400, 5000);
    }

    [Fact]
    public async Task SendAsync_AllowedPortWithNothingListening_RetryWithNetworkError()
    {
        // Arrange
        int port;
        await using (WebhookReceiver closed = await WebhookReceiver.StartAsync(_secret))
        {
            port = closed.Port;
        }

        WebhookSender sender = CreateSender(allowedHosts: [$"127.0.0.1:{port}"]);

        // Act
        WebhookAttemptResult result = await sender.SendAsync(new Uri($"http://127.0.0.1:{port}/hook"), "wh_down", Body, CancellationToken.None);

        // Assert
        Assert.Equal(WebhookDeliveryOutcome.Retry, result.Outcome);
        Assert.Contains("connection failed", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_CallerCancels_ThrowsOperationCanceled()
    {
        // Arrange: shutdown is not a delivery outcome.
        WebhookSender sender = CreateSender();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        // Act & Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sender.SendAsync(_receiver.Url("/hang"), "wh_cancel", Body, cts.Token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("line\nbreak")]
    public async Task SendAsync_InvalidWebhookId_Throws(string webhookId)
    {
        // Arrange
        WebhookSender sender = CreateSender();

        // Act & Assert
        await Assert.ThrowsAsync<ArgumentException>(() => sender.SendAsync(_receiver.Url("/hook"), webhookId, Body, CancellationToken.None));
    }
}
