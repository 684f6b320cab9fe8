using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TaskFunctions.Tests.Webhooks;

/// <summary>A receiver's check written from the Standard Webhooks v1 spec, independent of the production signer.</summary>
internal static class StandardWebhooksVerifier
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>True when the timestamp is within tolerance of <paramref name="now"/> and any <c>v1</c> entry matches HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c>.</summary>
    public static bool Verify(string secret, string? id, string? timestamp, string? signatureHeader, byte[] body, DateTimeOffset now)
    {
        if (id is null || timestamp is null || signatureHeader is null
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > Tolerance.TotalSeconds)
        {
            return false;
        }

        // Spec: strip "whsec_", base64-decode the rest; sign the exact header strings and the raw body bytes.
        byte[] key = Convert.FromBase64String(secret["whsec_".Length..]);
        byte[] signedContent = [.. Encoding.UTF8.GetBytes(id + "." + timestamp + "."), .. body];
        byte[] expected = HMACSHA256.HashData(key, signedContent);

        foreach (string entry in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = entry.Split(',', 2);
            if (parts.Length != 2 || parts[0] != "v1")
            {
                continue;
            }

            byte[] given;
            try
            {
                given = Convert.FromBase64String(parts[1]);
            }
            catch (FormatException)
            {
                continue;
            }

            if (CryptographicOperations.FixedTimeEquals(given, expected))
            {
                return true;
            }
        }

        return false;
    }
}
