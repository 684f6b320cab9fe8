namespace TaskFunctions.Core.Webhooks;

/// <summary>Parsing of Standard Webhooks secrets: <c>whsec_</c> + base64 of 24–64 random bytes, several separated by spaces for rotation.</summary>
internal static class WebhookSecret
{
    public const string Prefix = "whsec_";
    public const int MinKeyBytes = 24;
    public const int MaxKeyBytes = 64;

    /// <summary>The individual secrets of a setting; empty when the setting is blank.</summary>
    public static string[] Split(string? setting) =>
        string.IsNullOrWhiteSpace(setting)
            ? []
            : setting.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Decodes one secret to its HMAC key; <paramref name="error"/> says what is wrong without repeating the secret.</summary>
    public static bool TryDecode(string secret, out byte[] key, out string error)
    {
        key = [];
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            error = $"must start with '{Prefix}'";
            return false;
        }

        string encoded = secret[Prefix.Length..];
        byte[] buffer = new byte[(encoded.Length * 3 / 4) + 3];
        if (encoded.Length == 0 || !Convert.TryFromBase64String(encoded, buffer, out int written))
        {
            error = $"must be '{Prefix}' followed by standard base64";
            return false;
        }

        if (written is < MinKeyBytes or > MaxKeyBytes)
        {
            error = $"must encode {MinKeyBytes} to {MaxKeyBytes} bytes (it encodes {written})";
            return false;
        }

        key = buffer[..written];
        error = string.Empty;
        return true;
    }
}
