using System.Text;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Webhooks;

namespace TaskFunctions.Tests.Webhooks;

public sealed class WebhookSignerTests
{
    private const string VectorId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long VectorTimestamp = 1614265330;
    private static readonly byte[] VectorPayload = Encoding.UTF8.GetBytes("""{"test": 2432232314}""");

    private static WebhookSigner CreateSigner(string secret) => new(Options.Create(new WebhookOptions { SigningSecret = secret }));

    [Fact]
    public void Sign_StandardWebhooksTestVector_MatchesPublishedSignature()
    {
        // Arrange
        WebhookSigner signer = CreateSigner(WebhookTestSecrets.Vector);

        // Act
        string? signature = signer.Sign(VectorId, VectorTimestamp, VectorPayload);

        // Assert
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void Sign_RandomSecretAndBody_VerifiesWithSpecReceiverCheck()
    {
        // Arrange
        string secret = WebhookTestSecrets.Random(48);
        WebhookSigner signer = CreateSigner(secret);
        byte[] body = Encoding.UTF8.GetBytes("""{"type":"task.completed","data":{"id":"t-1","note":"é ✓"}}""");
        DateTimeOffset now = DateTimeOffset.UtcNow;
        long timestamp = now.ToUnixTimeSeconds();

        // Act
        string? signature = signer.Sign("wh_123", timestamp, body);

        // Assert
        Assert.True(StandardWebhooksVerifier.Verify(secret, "wh_123", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), signature, body, now));
    }

    [Fact]
    public void Sign_BodyChangedAfterSigning_FailsSpecReceiverCheck()
    {
        // Arrange
        string secret = WebhookTestSecrets.Random();
        WebhookSigner signer = CreateSigner(secret);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        long timestamp = now.ToUnixTimeSeconds();
        string? signature = signer.Sign("wh_1", timestamp, "{\"a\":1}"u8);

        // Act
        bool valid = StandardWebhooksVerifier.Verify(secret, "wh_1", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), signature, "{\"a\":2}"u8.ToArray(), now);

        // Assert
        Assert.False(valid);
    }

    [Fact]
    public void Sign_TwoSecrets_ReturnsOneSignaturePerSecretEachVerifying()
    {
        // Arrange: rotation; the receiver may know either the old or the new secret.
        string oldSecret = WebhookTestSecrets.Random();
        string newSecret = WebhookTestSecrets.Random(64);
        WebhookSigner signer = CreateSigner(oldSecret + " " + newSecret);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string ts = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        byte[] body = "{}"u8.ToArray();

        // Act
        string? header = signer.Sign("wh_rot", now.ToUnixTimeSeconds(), body);

        // Assert
        Assert.NotNull(header);
        string[] entries = header.Split(' ');
        Assert.Equal(2, entries.Length);
        Assert.All(entries, entry => Assert.StartsWith("v1,", entry, StringComparison.Ordinal));
        Assert.True(StandardWebhooksVerifier.Verify(oldSecret, "wh_rot", ts, entries[0], body, now));
        Assert.True(StandardWebhooksVerifier.Verify(newSecret, "wh_rot", ts, entries[1], body, now));
        Assert.True(StandardWebhooksVerifier.Verify(newSecret, "wh_rot", ts, header, body, now));
        Assert.False(StandardWebhooksVerifier.Verify(WebhookTestSecrets.Random(), "wh_rot", ts, header, body, now));
    }

    [Fact]
    public void Sign_NoSecret_ReturnsNull()
    {
        // Arrange
        WebhookSigner signer = CreateSigner(string.Empty);

        // Act
        string? signature = signer.Sign("wh_1", 1, "{}"u8);

        // Assert
        Assert.False(signer.IsSigning);
        Assert.Null(signature);
    }

    [Fact]
    public void Constructor_InvalidSecret_ThrowsWithoutEchoingIt()
    {
        // Arrange
        const string secret = "not-a-webhook-secret";

        // Act
        var ex = Assert.Throws<InvalidOperationException>(() => CreateSigner(secret));

        // Assert
        Assert.DoesNotContain(secret, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ComputeSignature_StaleTimestamp_FailsSpecReceiverCheck()
    {
        // Arrange: a correct signature over a timestamp ten minutes old is still refused by the receiver.
        byte[] key = Convert.FromBase64String(WebhookTestSecrets.Vector["whsec_".Length..]);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        long stale = now.AddMinutes(-10).ToUnixTimeSeconds();

        // Act
        string signature = WebhookSigner.ComputeSignature(key, "wh_1", stale, "{}"u8);

        // Assert
        Assert.False(StandardWebhooksVerifier.Verify(
            WebhookTestSecrets.Vector, "wh_1", stale.ToString(System.Globalization.CultureInfo.InvariantCulture), signature, "{}"u8.ToArray(), now));
        Assert.True(StandardWebhooksVerifier.Verify(
            WebhookTestSecrets.Vector, "wh_1", stale.ToString(System.Globalization.CultureInfo.InvariantCulture), signature, "{}"u8.ToArray(), now.AddMinutes(-10)));
    }
}
