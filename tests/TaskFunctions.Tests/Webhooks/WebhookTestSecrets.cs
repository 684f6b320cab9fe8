using System.Security.Cryptography;

namespace TaskFunctions.Tests.Webhooks;

/// <summary>Secrets for webhook tests: the public Standard Webhooks vector and fresh random ones.</summary>
internal static class WebhookTestSecrets
{
    /// <summary>The secret of the Standard Webhooks reference test vector.</summary>
    public const string Vector = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    public static string Random(int bytes = 32) => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));
}
