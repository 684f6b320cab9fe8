using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace TaskFunctions.Core.Webhooks;

/// <summary>Standard Webhooks v1 signatures: <c>v1,</c> + base64 HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c>, one per configured secret.</summary>
public sealed class WebhookSigner
{
    /// <summary>The signature scheme prefix of each entry of <c>webhook-signature</c>.</summary>
    public const string SignatureVersion = "v1";

    private readonly byte[][] _keys;

    public WebhookSigner(IOptions<WebhookOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string[] secrets = WebhookSecret.Split(options.Value.SigningSecret);
        _keys = new byte[secrets.Length][];
        for (int i = 0; i < secrets.Length; i++)
        {
            if (!WebhookSecret.TryDecode(secrets[i], out _keys[i], out string error))
            {
                // Normally caught by options validation on start; this guards direct construction.
                throw new InvalidOperationException($"Webhooks:SigningSecret {error}.");
            }
        }
    }

    /// <summary>False when no secret is configured: webhooks then go out unsigned.</summary>
    public bool IsSigning => _keys.Length > 0;

    /// <summary>The <c>webhook-signature</c> header value (space-separated when several secrets are configured), or null when none is.</summary>
    /// <param name="timestamp">Unix seconds, exactly as sent in <c>webhook-timestamp</c>.</param>
    /// <param name="body">The raw request body, byte for byte as sent.</param>
    public string? Sign(string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(webhookId);
        if (_keys.Length == 0)
        {
            return null;
        }

        var signatures = new string[_keys.Length];
        for (int i = 0; i < _keys.Length; i++)
        {
            signatures[i] = ComputeSignature(_keys[i], webhookId, timestamp, body);
        }

        return string.Join(' ', signatures);
    }

    /// <summary>One <c>v1,&lt;base64&gt;</c> signature with the decoded <paramref name="key"/> (the secret without <c>whsec_</c>, base64-decoded).</summary>
    public static string ComputeSignature(ReadOnlySpan<byte> key, string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(webhookId);
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes(webhookId + "." + timestamp.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        return SignatureVersion + "," + Convert.ToBase64String(hmac.GetHashAndReset());
    }
}
